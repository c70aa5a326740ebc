"""Student dashboard pages."""

app_name = "dashboard"
urlpatterns: list = []
