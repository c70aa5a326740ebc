"""Instructor pages."""

app_name = "instructor"
urlpatterns: list = []
