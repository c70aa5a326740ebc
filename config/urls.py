"""Top-level URLs: pages per app, the API under /api/v1/, its schema and docs, admin."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.generic.base import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from courses import views as course_views
from quizzes import grades_urls

# The admin carries the site's name, not Django's.
admin.site.site_header = _("Tradeoffs administration")
admin.site.site_title = _("Tradeoffs admin")
admin.site.index_title = _("Courses, quizzes and people")

api_v1 = [
    path("", include("accounts.api_urls")),
    path("", include("courses.api_urls")),
    path("", include("quizzes.api_urls")),
    path("", include("teaching.api_urls")),
    path("", include("analytics.api_urls")),
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
    path("instructor/reports/", include("analytics.urls")),
    path("instructor/peer/", include("peerreview.instructor_urls")),
    path("peer/", include("peerreview.urls")),
    path("instructor/", include("teaching.urls")),
    path("progress/", include("progress.urls")),
    path("practice/", include("practice.urls")),
    path("lti/", include("lti.urls")),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(url_name="schema"),
        name="api-docs",
    ),
    path("admin/", admin.site.urls),
    # Browsers ask for /favicon.ico on pages that name no icon (the API's JSON).
    path(
        "favicon.ico",
        RedirectView.as_view(url=f"{settings.STATIC_URL}img/favicon.svg"),
        name="favicon",
    ),
]
