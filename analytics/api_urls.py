"""Reports API routes, included under /api/v1/."""

from django.urls import path

from . import views_api

urlpatterns = [
    path(
        "quizzes/<int:pk>/statistics/",
        views_api.QuizStatisticsView.as_view(),
        name="api-quiz-statistics",
    ),
    path(
        "quizzes/<int:pk>/regrade/",
        views_api.QuizRegradeView.as_view(),
        name="api-quiz-regrade",
    ),
    path("exports/", views_api.ExportJobListView.as_view(), name="api-export-list"),
    path(
        "exports/<int:pk>/",
        views_api.ExportJobDetailView.as_view(),
        name="api-export-detail",
    ),
]
