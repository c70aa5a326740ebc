"""API routes of quizzes."""

urlpatterns: list = []
