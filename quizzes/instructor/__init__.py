"""Instructor side of quizzes: assignments, extensions, grading queue, gradebook."""
