"""API routes of the student side of quizzes."""

from django.urls import path

from . import views_api

urlpatterns = [
    path("quizzes/", views_api.QuizListView.as_view(), name="api-quiz-list"),
    path(
        "quizzes/<int:pk>/", views_api.QuizDetailView.as_view(), name="api-quiz-detail"
    ),
    path(
        "quizzes/<int:pk>/attempts/",
        views_api.QuizAttemptsView.as_view(),
        name="api-quiz-attempts",
    ),
    path(
        "attempts/<int:pk>/",
        views_api.AttemptDetailView.as_view(),
        name="api-attempt-detail",
    ),
    path(
        "attempts/<int:pk>/responses/",
        views_api.AttemptResponsesView.as_view(),
        name="api-attempt-responses",
    ),
    path(
        "attempts/<int:pk>/submit/",
        views_api.AttemptSubmitView.as_view(),
        name="api-attempt-submit",
    ),
]
