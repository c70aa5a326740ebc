"""Pages of practice."""

from django.urls import path

from . import views

app_name = "practice"
urlpatterns = [
    path("courses/<slug:course_slug>/", views.course_practice, name="course"),
    path("courses/<slug:course_slug>/start/", views.start, name="start"),
    path("sets/<int:pk>/", views.practice_set, name="set"),
    path("sets/<int:pk>/questions/<int:position>/answer/", views.answer, name="answer"),
]
