"""Statistics and exports: question statistics, CSV exports, and the regrade pages.

Owns `QuizStatistics` and `ExportJob`, the pure `statistics.py` and `moodle_weights.py`
(Moodle's weights and random guess score), its selectors, services,
tasks (found by Celery's autodiscovery), pages (/instructor/reports/, namespace
`reports:`) and API routes. A leaf: it reads quizzes and courses and calls quizzes
services, and nothing imports it; the engine tells it of gradings through
`quizzes.signals.attempt_graded`, which `receivers.py` answers.
"""
