"""Instructor peer-review pages (/instructor/peer/, namespace `peer-instructor:`)."""

from django.urls import path

from . import instructor_views

app_name = "peer-instructor"
urlpatterns = [
    path("quizzes/<int:quiz_id>/", instructor_views.quiz, name="quiz"),
    path("quizzes/<int:quiz_id>/settings/", instructor_views.setup, name="setup"),
    path("answers/<int:pk>/", instructor_views.answer, name="answer"),
    path(
        "quizzes/<int:quiz_id>/questions/<int:question_id>/examples/new/",
        instructor_views.calibration_example,
        name="example-create",
    ),
    path(
        "examples/<int:pk>/edit/",
        instructor_views.calibration_example_edit,
        name="example-edit",
    ),
    path(
        "examples/<int:pk>/delete/",
        instructor_views.calibration_example_delete,
        name="example-delete",
    ),
]
