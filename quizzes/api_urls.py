"""API routes of the student side of quizzes."""

from django.urls import path

from . import api

urlpatterns = [
    path("quizzes/", api.QuizListView.as_view(), name="api-quiz-list"),
    path("quizzes/<int:pk>/", api.QuizDetailView.as_view(), name="api-quiz-detail"),
    path(
        "quizzes/<int:pk>/attempts/",
        api.QuizAttemptsView.as_view(),
        name="api-quiz-attempts",
    ),
    path(
        "attempts/<int:pk>/", api.AttemptDetailView.as_view(), name="api-attempt-detail"
    ),
    path(
        "attempts/<int:pk>/responses/",
        api.AttemptResponsesView.as_view(),
        name="api-attempt-responses",
    ),
    path(
        "attempts/<int:pk>/submit/",
        api.AttemptSubmitView.as_view(),
        name="api-attempt-submit",
    ),
]
