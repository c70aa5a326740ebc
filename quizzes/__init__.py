"""Quizzes: questions, attempts, responses, grading, assignments and question statistics.

May import `accounts` and `courses`; never `progress`.
"""
