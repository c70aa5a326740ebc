"""Practice: spaced retrieval of the course's questions, weighted to weak tradeoffs.

Owns the student's cards (one per question, scheduled with FSRS), the daily practice
sets and their review logs, the pure scheduler (`scheduler.py`) and the pure mastery
shares (`mastery.py`). Practice never counts: it writes no attempt, response, grade or
statistic, and sends no engine signal, so grades, statistics and LTI passback never see
it. May import `quizzes`, `courses`, `accounts` and `core`; `progress` imports it.
"""
