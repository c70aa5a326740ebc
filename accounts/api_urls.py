"""API routes of accounts."""

urlpatterns: list = []
