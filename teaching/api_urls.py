"""API routes of the instructor side: cohorts, assignments, extensions, grading."""

from django.urls import path

from . import override_api, roster_api, views_api

urlpatterns = [
    path("cohorts/", views_api.CohortListView.as_view(), name="api-cohort-list"),
    path(
        "cohorts/<int:pk>/",
        views_api.CohortDetailView.as_view(),
        name="api-cohort-detail",
    ),
    path(
        "cohorts/<int:pk>/join-code/",
        roster_api.CohortJoinCodeView.as_view(),
        name="api-cohort-join-code",
    ),
    path(
        "cohorts/<int:pk>/students/",
        roster_api.CohortStudentsView.as_view(),
        name="api-cohort-students",
    ),
    path(
        "cohorts/<int:pk>/students/<int:student_id>/",
        roster_api.CohortStudentView.as_view(),
        name="api-cohort-student",
    ),
    path(
        "cohorts/<int:pk>/assignments/",
        views_api.CohortAssignmentsView.as_view(),
        name="api-cohort-assignments",
    ),
    path(
        "cohorts/<int:pk>/gradebook/",
        views_api.CohortGradebookView.as_view(),
        name="api-cohort-gradebook",
    ),
    path(
        "cohorts/<int:pk>/grading-queue/",
        views_api.CohortGradingQueueView.as_view(),
        name="api-cohort-grading-queue",
    ),
    path(
        "assignments/<int:pk>/",
        views_api.AssignmentDetailView.as_view(),
        name="api-assignment-detail",
    ),
    path(
        "assignments/<int:pk>/extensions/",
        views_api.AssignmentExtensionsView.as_view(),
        name="api-assignment-extensions",
    ),
    path(
        "extensions/<int:pk>/",
        views_api.ExtensionDetailView.as_view(),
        name="api-extension-detail",
    ),
    path(
        "grading-queue/",
        roster_api.GradingQueueView.as_view(),
        name="api-grading-queue",
    ),
    path(
        "assignments/<int:pk>/students/<int:student_id>/grade/",
        override_api.StudentGradeView.as_view(),
        name="api-student-grade",
    ),
    path(
        "attempts/<int:pk>/review/",
        override_api.InstructorAttemptView.as_view(),
        name="api-instructor-attempt",
    ),
    path(
        "responses/<int:pk>/override/",
        override_api.ResponseOverrideView.as_view(),
        name="api-response-override",
    ),
    path(
        "responses/<int:pk>/score/",
        views_api.ResponseScoreView.as_view(),
        name="api-response-score",
    ),
]
