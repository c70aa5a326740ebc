"""Courses: Course, Lesson, Tradeoff, Cohort, Enrollment and LessonCompletion.

May import `accounts`; never `quizzes` or `progress`. Cohorts live here rather than in
`accounts` because a cohort is a section of one course, and `accounts` imports nothing.
"""
