"""Report pages, mounted at /instructor/reports/."""

from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.index, name="index"),
    path(
        "quizzes/<int:pk>/statistics/",
        views.quiz_statistics,
        name="quiz-statistics",
    ),
    path("quizzes/<int:pk>/regrade/", views.regrade, name="quiz-regrade"),
    path(
        "quizzes/<int:pk>/export/",
        views.export_quiz_responses,
        name="quiz-export",
    ),
    path(
        "cohorts/<int:pk>/export/",
        views.export_cohort_grades,
        name="cohort-export",
    ),
    path("exports/<int:pk>/", views.export_detail, name="export-detail"),
    path(
        "exports/<int:pk>/download/",
        views.export_download,
        name="export-download",
    ),
]
