"""Report pages."""

app_name = "reports"
urlpatterns: list = []
