"""Student peer-review pages (/peer/, namespace `peer:`)."""

from django.urls import path

from . import views

app_name = "peer"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("calibration/", views.calibration_history, name="history"),
    path("calibrate/<int:question_id>/", views.calibrate, name="calibrate"),
    path("reviews/<int:pk>/", views.review, name="review"),
    path("reviews/<int:pk>/flag/", views.flag_answer, name="flag-answer"),
    path("answers/<int:pk>/", views.received, name="received"),
    path(
        "answers/<int:pk>/reviews/<int:review_id>/flag/",
        views.flag_review,
        name="flag-review",
    ),
]
