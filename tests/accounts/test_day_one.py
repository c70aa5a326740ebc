"""What people meet on day one: where login lands, the time-zone menu, names and icons."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect

from accounts import timezones
from tests.accounts.factories import (
    DEFAULT_PASSWORD,
    InstructorFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _log_in(client, user, **extra):
    return client.post(
        reverse("accounts:login") + extra.get("query", ""),
        {"username": user.email, "password": DEFAULT_PASSWORD},
    )


def test_an_instructor_lands_on_their_dashboard_after_login(client):
    response = _log_in(client, InstructorFactory())
    assert response["Location"] == reverse("instructor:dashboard")


def test_a_student_still_lands_on_the_catalogue(client):
    response = _log_in(client, UserFactory())
    assert response["Location"] == reverse("courses:catalogue")


def test_next_still_wins_for_an_instructor(client):
    response = _log_in(client, InstructorFactory(), query="?next=/accounts/profile/")
    assert response["Location"] == "/accounts/profile/"


def test_the_time_zone_menu_lists_canonical_zones_grouped_by_region(client):
    client.force_login(UserFactory(timezone="Europe/Paris"))
    form = client.get(reverse("accounts:profile")).context["form"]
    choices = form.fields["timezone"].choices
    groups = {group: zones for group, zones in choices if isinstance(zones, list)}
    assert {"Africa", "America", "Asia", "Europe", "Pacific"} <= set(groups)
    names = {name for zones in groups.values() for name, _label in zones}
    assert {"Asia/Kolkata", "Europe/Amsterdam", "America/New_York"} <= names
    # Aliases and legacy names are not offered twice.
    assert not names & {"Asia/Calcutta", "US/Eastern", "GB", "Etc/GMT+5"}
    assert dict(groups["Europe"])["Europe/London"] == "London — Britain (UK)"
    assert ("UTC", "UTC") in choices
    assert "Other" not in groups


def test_a_saved_alias_stays_selected_and_valid(client):
    user = UserFactory(timezone="Asia/Calcutta")
    client.force_login(user)
    html = client.get(reverse("accounts:profile")).content.decode()
    assert '<option value="Asia/Calcutta" selected>' in html
    response = client.post(
        reverse("accounts:profile"), {"timezone": "Asia/Calcutta", "first_name": "A"}
    )
    assert response.status_code == 302


def test_zone_labels_read_as_places():
    assert timezones.label("America/Argentina/Buenos_Aires") == (
        "Buenos Aires — Argentina"
    )
    assert timezones.label("UTC") == "UTC"
    assert timezones.canonical_zones()[-1] == "UTC"


def test_the_admin_carries_the_site_name(admin_client):
    html = admin_client.get(reverse("admin:index")).content.decode()
    assert "Tradeoffs administration" in html
    assert "Django administration" not in html
    assert "img/favicon.svg" in html


def test_pages_name_a_favicon_and_favicon_ico_finds_it(client):
    html = client.get(reverse("accounts:login")).content.decode()
    assert 'rel="icon"' in html and "img/favicon.svg" in html
    response = client.get("/favicon.ico")
    assert response.status_code in (301, 302)
    assert response["Location"].endswith("img/favicon.svg")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_browsers_zone_is_preselected_when_none_was_chosen(
    chromium_browser, live_server
):
    user = UserFactory(timezone="UTC")
    client = Client()
    client.force_login(user)
    context = chromium_browser.new_context(timezone_id="Asia/Kolkata")
    try:
        context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                    "url": live_server.url,
                }
            ]
        )
        page = context.new_page()
        page.goto(live_server.url + reverse("accounts:profile"))
        select = page.get_by_label("Time zone")
        expect(select).to_have_value("Asia/Kolkata")
        expect(
            page.get_by_text("Set from your browser: Kolkata — India.")
        ).to_be_visible()
        page.get_by_role("button", name="Save").click()
        page.wait_for_url("**/accounts/profile/")
        user.refresh_from_db()
        assert user.timezone == "Asia/Kolkata"
        # Once chosen, the browser no longer overrides it.
        other = chromium_browser.new_context(timezone_id="Europe/Paris")
        try:
            other.add_cookies(context.cookies())
            page = other.new_page()
            page.goto(live_server.url + reverse("accounts:profile"))
            expect(page.get_by_label("Time zone")).to_have_value("Asia/Kolkata")
        finally:
            other.close()
    finally:
        context.close()


def test_the_admin_login_page_carries_the_site_name(client):
    html = client.get(reverse("admin:login")).content.decode()
    assert "Tradeoffs administration" in html
