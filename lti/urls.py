"""LTI endpoints under /lti/."""

from django.urls import path

from . import deep_linking, registration, roster, views

app_name = "lti"

urlpatterns = [
    path("jwks/", views.jwks, name="jwks"),
    path("config.json", views.tool_configuration, name="config"),
    path("login/", views.oidc_login, name="login"),
    path("launch/", views.launch, name="launch"),
    path("deep-link/", deep_linking.picker, name="deep-link"),
    path(
        "register/<str:token>/",
        registration.dynamic_registration,
        name="register",
    ),
    path("scores/", roster.scores, name="scores"),
    path("roster/sync/", roster.sync, name="roster-sync"),
]
