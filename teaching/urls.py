"""Instructor pages."""

from django.urls import path

from . import review_views, roster_views, views

app_name = "instructor"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("cohorts/<int:pk>/", views.cohort_detail, name="cohort"),
    path(
        "cohorts/<int:pk>/assign/",
        views.assignment_create,
        name="assignment-create",
    ),
    path(
        "cohorts/<int:pk>/join-code/", roster_views.join_code, name="cohort-join-code"
    ),
    path(
        "cohorts/<int:pk>/students/add/",
        roster_views.add_student,
        name="cohort-add-student",
    ),
    path(
        "cohorts/<int:pk>/students/<int:student_id>/remove/",
        roster_views.remove_student,
        name="cohort-remove-student",
    ),
    path("cohorts/<int:pk>/gradebook/", views.gradebook, name="gradebook"),
    path("assignments/<int:pk>/edit/", views.assignment_edit, name="assignment-edit"),
    path(
        "assignments/<int:pk>/delete/",
        views.assignment_delete,
        name="assignment-delete",
    ),
    path("assignments/<int:pk>/extensions/", views.extensions, name="extensions"),
    path(
        "extensions/<int:pk>/revoke/",
        views.extension_revoke,
        name="extension-revoke",
    ),
    path(
        "assignments/<int:pk>/students/<int:student_id>/",
        review_views.student_work,
        name="student-work",
    ),
    path("attempts/<int:pk>/", review_views.attempt_detail, name="attempt"),
    path(
        "responses/<int:pk>/override/",
        review_views.response_override,
        name="response-override",
    ),
    path("grading/", views.grading_queue, name="queue"),
    path("grading/responses/<int:pk>/", views.score_response, name="score"),
]
