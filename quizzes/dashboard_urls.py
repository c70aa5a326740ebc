"""Student dashboard pages."""

from django.urls import path

from . import dashboard

app_name = "dashboard"
urlpatterns = [
    path("", dashboard.assigned_work, name="index"),
]
