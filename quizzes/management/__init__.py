"""Management commands of the quizzes app."""
