"""LTI 1.3 Advantage tool: launches from an LMS, deep linking, grade passback, rosters.

May import `accounts`, `courses` and `quizzes` (and django-lti's `lti_tool`); no app
imports it. It hears of grades through `quizzes.signals.attempts_scored`.
"""
