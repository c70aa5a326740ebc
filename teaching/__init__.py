"""The instructor's side: cohort pages, assigning, extensions, grading queue, gradebook,
overrides; pages (/instructor/, namespace `instructor:`) and API.

No models of its own: it reads through `quizzes` selectors and `quizzes.coursework`, and
writes through `quizzes` services. Nothing imports it; it never imports `analytics`.
"""
