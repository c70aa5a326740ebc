"""Progress: progress-report e-mails (outbox, Celery sending, beat schedule).

May import `accounts`, `courses` and `quizzes`; nothing imports it.
"""
