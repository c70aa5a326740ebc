"""Pages of courses."""

from django.urls import path  # noqa: F401

app_name = "courses"
urlpatterns: list = []
