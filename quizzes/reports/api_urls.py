"""Reports API routes, included under /api/v1/."""

from django.urls import path

from . import api

urlpatterns = [
    path(
        "quizzes/<int:pk>/statistics/",
        api.QuizStatisticsView.as_view(),
        name="api-quiz-statistics",
    ),
    path(
        "quizzes/<int:pk>/regrade/",
        api.QuizRegradeView.as_view(),
        name="api-quiz-regrade",
    ),
    path("exports/", api.ExportJobListView.as_view(), name="api-export-list"),
    path(
        "exports/<int:pk>/",
        api.ExportJobDetailView.as_view(),
        name="api-export-detail",
    ),
]
