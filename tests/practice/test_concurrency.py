"""Two answers to one practice item at once (a double click on two connections): one
review, one log, the first answer kept."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from practice import services
from practice.handles import handles_for
from practice.models import Card, ReviewLog
from tests.practice.conftest import build, right_choice, wrong_choice

pytestmark = pytest.mark.django_db(transaction=True)


def test_simultaneous_answers_to_one_item_review_its_card_once():
    setup = build(5)
    practice_set, _ = services.start_set(student=setup.student, course=setup.course)
    item = practice_set.items.select_related("question").first()
    handles = handles_for(practice_set, [item.question])
    picks = [right_choice(item.question), wrong_choice(item.question)] * 4
    barrier = threading.Barrier(len(picks))
    results, errors = [], []

    def answer(choice):
        try:
            barrier.wait()
            results.append(
                services.answer_item(
                    practice_set=practice_set,
                    position=item.position,
                    answer={"choice": handles.of(item.question_id, choice.pk)},
                )[1]
            )
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=answer, args=(c,)) for c in picks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(results) == [False] * (len(picks) - 1) + [True]
    card = Card.objects.get(student=setup.student, question=item.question)
    assert card.reviews == 1
    assert ReviewLog.objects.filter(card=card).count() == 1


def test_simultaneous_starts_make_one_set():
    from practice.models import PracticeSet

    setup = build(5)
    barrier = threading.Barrier(6)
    sets, errors = [], []

    def start():
        try:
            barrier.wait()
            sets.append(
                services.start_set(student=setup.student, course=setup.course)[0].pk
            )
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=start) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(set(sets)) == 1
    assert PracticeSet.objects.filter(student=setup.student).count() == 1
