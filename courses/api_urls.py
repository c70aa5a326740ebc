"""API routes of courses."""

urlpatterns: list = []
