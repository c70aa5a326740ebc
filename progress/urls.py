"""Pages of progress: the unsubscribe link from every report."""

from django.urls import path

from . import views

app_name = "progress"
urlpatterns = [
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
