"""API routes of courses."""

from django.urls import path

from . import api

urlpatterns = [
    path("join/", api.JoinCohortView.as_view(), name="api-cohort-join"),
    path("courses/", api.CourseListView.as_view(), name="api-course-list"),
    path(
        "courses/<slug:slug>/", api.CourseDetailView.as_view(), name="api-course-detail"
    ),
    path("lessons/<int:pk>/", api.LessonDetailView.as_view(), name="api-lesson-detail"),
    path(
        "lessons/<int:pk>/complete/",
        api.LessonCompleteView.as_view(),
        name="api-lesson-complete",
    ),
]
