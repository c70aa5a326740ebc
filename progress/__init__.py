"""Progress: progress-report e-mails (outbox, Celery sending, beat schedule).

May import `accounts`, `courses`, `quizzes` and `practice`; nothing imports it.
"""
