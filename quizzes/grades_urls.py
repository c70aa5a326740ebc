"""Routes of the student's grades: the page and its API."""

from django.urls import path

from . import grades, grades_api

urlpatterns = [path("", grades.grades, name="grades")]
api_urlpatterns = [
    path("grades/", grades_api.MyGradesView.as_view(), name="api-grades"),
]
