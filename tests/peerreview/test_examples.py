"""Calibration examples after creation: the instructor of the quiz edits or deletes
them; students are refused, other instructors find nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from peerreview import services
from peerreview.models import CalibrationAttempt, CalibrationExample
from tests.accounts.factories import InstructorFactory
from tests.peerreview.factories import PARTS, cohort_quiz, example

pytestmark = pytest.mark.django_db


def _setup():
    cohort, instructor, students, quiz, question = cohort_quiz(2, k=2)
    ex = example(question, levels=(2, 1), reasons=["Both values.", "Partly."])
    return instructor, students, quiz, question, ex


def _post(ex, **changes):
    body = {**PARTS, "position": "3", "c0": "1", "c1": "2", "r0": "Thin.", "r1": ""}
    return {**body, **changes}


def test_the_quiz_page_links_each_example_to_its_edit_and_delete_pages(client):
    instructor, _s, quiz, _q, ex = _setup()
    client.force_login(instructor)
    page = client.get(reverse("peer-instructor:quiz", args=[quiz.pk])).content.decode()
    assert reverse("peer-instructor:example-edit", args=[ex.pk]) in page
    assert reverse("peer-instructor:example-delete", args=[ex.pk]) in page


def test_the_edit_form_starts_from_the_example(client):
    instructor, _s, _quiz, _q, ex = _setup()
    client.force_login(instructor)
    page = client.get(reverse("peer-instructor:example-edit", args=[ex.pk]))
    assert page.status_code == 200
    form = page.context["form"]
    assert form["value"].value() == PARTS["value"]
    assert (form["c0"].value(), form["c1"].value()) == ("2", "1")
    assert form["r0"].value() == "Both values."


def test_the_instructor_changes_an_example_and_calibrations_are_measured_again(
    client,
):
    instructor, students, quiz, _q, ex = _setup()
    services.calibrate(example_id=ex.pk, student=students[0], levels=[1, 2])
    before = CalibrationAttempt.objects.get().error
    client.force_login(instructor)
    url = reverse("peer-instructor:example-edit", args=[ex.pk])

    done = client.post(url, _post(ex, value="Rights first."))

    assert done.status_code == 302
    assert done["Location"] == reverse("peer-instructor:quiz", args=[quiz.pk])
    ex.refresh_from_db()
    assert ex.levels == [1, 2] and ex.position == 3
    assert ex.justification["value"] == "Rights first."
    assert ex.reasons == ["Thin.", ""]
    # The student scored exactly the new levels: no error any more.
    assert before > 0 and CalibrationAttempt.objects.get().error == 0


def test_an_invalid_edit_shows_the_errors_and_changes_nothing(client):
    instructor, _s, _quiz, _q, ex = _setup()
    client.force_login(instructor)
    url = reverse("peer-instructor:example-edit", args=[ex.pk])
    for body in (_post(ex, c0="9"), _post(ex, value=""), _post(ex, position="-1")):
        page = client.post(url, body)
        assert page.status_code == 400
        assert page.context["form"].errors
    ex.refresh_from_db()
    assert ex.levels == [2, 1] and ex.justification == PARTS


def test_the_instructor_deletes_an_example_after_confirming(client):
    instructor, students, quiz, _q, ex = _setup()
    services.calibrate(example_id=ex.pk, student=students[0], levels=[1, 2])
    client.force_login(instructor)
    url = reverse("peer-instructor:example-delete", args=[ex.pk])
    confirm = client.get(url)
    assert confirm.status_code == 200 and confirm.context["calibrated"] == 1
    assert CalibrationExample.objects.filter(pk=ex.pk).exists()

    done = client.post(url)

    assert done.status_code == 302
    assert not CalibrationExample.objects.filter(pk=ex.pk).exists()
    assert not CalibrationAttempt.objects.exists()


@pytest.mark.parametrize(
    "name", ["peer-instructor:example-edit", "peer-instructor:example-delete"]
)
@pytest.mark.parametrize("method", ["get", "post"])
def test_only_instructors_of_the_quiz_reach_an_example(client, name, method):
    _instructor, students, _quiz, _q, ex = _setup()
    url = reverse(name, args=[ex.pk])
    body = _post(ex) if method == "post" else None
    anonymous = getattr(client, method)(url, body)
    assert anonymous.status_code == 302 and "login" in anonymous["Location"]
    client.force_login(students[0])
    assert getattr(client, method)(url, body).status_code == 403
    client.force_login(InstructorFactory())
    assert getattr(client, method)(url, body).status_code == 404
    ex.refresh_from_db()
    assert ex.levels == [2, 1]
