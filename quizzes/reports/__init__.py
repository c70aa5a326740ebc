"""Reports for instructors: question statistics, CSV exports, regrades.

Owns its selectors, services, tasks, pages (/instructor/reports/) and API routes; reads
quizzes and courses models and calls quizzes services (marking) but nothing imports it
back except quizzes.tasks, which re-exports its Celery tasks for autodiscovery.
"""
