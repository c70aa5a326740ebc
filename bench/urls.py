"""The site's URLs plus the bench's baseline view; only bench.settings mounts this."""

from django.urls import include, path

from bench import baseline

urlpatterns = [
    path("bench/b0/", baseline.ConstantView.as_view(), name="bench-b0"),
    path("", include("config.urls")),
]
