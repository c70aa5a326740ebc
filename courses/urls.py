"""Pages of courses."""

from django.urls import path

from . import views

app_name = "courses"
urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("<slug:slug>/", views.course_detail, name="course"),
    path("<slug:slug>/enrol/", views.enroll, name="enroll"),
    path("<slug:course_slug>/lessons/<slug:slug>/", views.lesson_detail, name="lesson"),
    path(
        "<slug:course_slug>/lessons/<slug:slug>/complete/",
        views.complete_lesson,
        name="complete_lesson",
    ),
]
