"""A URL configuration with the courses under /moved/, for tests that swap ROOT_URLCONF."""

from django.urls import include, path

urlpatterns = [path("moved/courses/", include("courses.urls"))]
