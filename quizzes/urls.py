"""Pages of quizzes: a quiz's intro and history, and the pages of an attempt."""

from django.urls import path, re_path

from . import media_views, result_views, take_views, views

app_name = "quizzes"
urlpatterns = [
    path("<int:pk>/", views.intro, name="intro"),
    path("<int:pk>/start/", views.start, name="start"),
    path("<int:pk>/attempts/", views.history, name="history"),
    path("attempts/<int:pk>/", take_views.take, name="attempt"),
    path("attempts/<int:pk>/autosave/", take_views.autosave, name="autosave"),
    path("attempts/<int:pk>/submit/", take_views.submit, name="submit"),
    path("attempts/<int:pk>/result/", result_views.result, name="result"),
    re_path(
        r"^question-media/(?P<digest>[0-9a-f]{16})/(?P<name>[^/]+)$",
        media_views.question_media,
        name="question-media",
    ),
]
