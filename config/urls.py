"""Top-level URLs: pages per app, the API under /api/v1/, its schema and docs, admin."""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from courses import views as course_views
from quizzes import grades_urls

api_v1 = [
    path("", include("accounts.api_urls")),
    path("", include("courses.api_urls")),
    path("", include("quizzes.api_urls")),
    path("", include("quizzes.instructor.api_urls")),
    path("", include("quizzes.reports.api_urls")),
    path("", include(grades_urls.api_urlpatterns)),
]

urlpatterns = [
    path("", course_views.home, name="home"),
    path("accounts/", include("accounts.urls")),
    path("join/", course_views.join_cohort, name="join"),
    path("courses/", include("courses.urls")),
    path("quizzes/", include("quizzes.urls")),
    path("dashboard/", include("quizzes.dashboard_urls")),
    path("grades/", include(grades_urls.urlpatterns)),
    path("instructor/reports/", include("quizzes.reports.urls")),
    path("instructor/", include("quizzes.instructor_urls")),
    path("progress/", include("progress.urls")),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(url_name="schema"),
        name="api-docs",
    ),
    path("admin/", admin.site.urls),
]
