"""Opaque per-attempt handles for choices and ordering items: what a student sees as ids.

The database ids of choices and the ids of ordering items follow authoring order, and
authors write the key first: sent as they are, they would give the key away. A student
sees instead a handle derived with an HMAC of the attempt, the question and the real id
under the site's secret: unguessable, different in every attempt, and ordered
independently of the key. Nothing is stored: the server maps a handle back by deriving
the handles of the question's candidates (its choices, its items), which the attempt's
layout lists.

Services and graders keep working with real ids (docs/question-data.md); only the
student's edges, the pages and the API, translate, through `to_student` and
`from_student`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.crypto import salted_hmac

__all__ = ["Handles"]

_SALT = "quizzes.handles"
# What an unknown handle maps to: no choice or item has this id.
UNKNOWN = -1
_LENGTH = 12


class Handles:
    """The handles of one attempt: real id <-> opaque string, per question.

    Another owner of handles (a practice set) subclasses it with its own `salt`, so its
    handles never coincide with an attempt's of the same number.
    """

    salt = _SALT

    def __init__(self, attempt_id: int, candidates: dict[int, Iterable[Any]]):
        self.attempt_id = attempt_id
        self._to_handle: dict[int, dict[Any, str]] = {}
        self._to_raw: dict[int, dict[str, Any]] = {}
        for question_id, raw_ids in candidates.items():
            self.add(question_id, raw_ids)

    def add(self, question_id: int, raw_ids: Iterable[Any]) -> None:
        """Know these real ids of a question (its choices or its items)."""
        forward = self._to_handle.setdefault(question_id, {})
        backward = self._to_raw.setdefault(question_id, {})
        for raw in raw_ids:
            handle = self._derive(question_id, raw)
            forward[raw] = handle
            backward[handle] = raw

    def knows(self, question_id: int) -> bool:
        return question_id in self._to_handle

    def _derive(self, question_id: int, raw: Any) -> str:
        # The type is part of the message: item "1" and choice 1 never share a handle.
        value = f"{self.attempt_id}:{question_id}:{type(raw).__name__}:{raw}"
        return salted_hmac(self.salt, value, algorithm="sha256").hexdigest()[:_LENGTH]

    def of(self, question_id: int, raw: Any) -> Any:
        """The handle of a real id; an id the question does not have stays as it is."""
        return self._to_handle.get(question_id, {}).get(raw, raw)

    def raw(self, question_id: int, handle: Any) -> Any:
        """The real id of a handle; anything else becomes an id no question has.

        A real id sent instead of a handle is refused like any other unknown value,
        and the validator's message never echoes what was sent.
        """
        if not isinstance(handle, str):
            return UNKNOWN
        return self._to_raw.get(question_id, {}).get(handle, UNKNOWN)

    def answer_to_student(self, question_id: int, answer: Any) -> Any:
        """A saved answer with its real ids replaced by this attempt's handles."""
        return self._map(question_id, answer, self.of)

    def answer_from_student(self, question_id: int, answer: Any) -> Any:
        """An answer sent with handles, with the real ids put back."""
        return self._map(question_id, answer, self.raw)

    def _map(self, question_id: int, answer: Any, convert) -> Any:
        if not isinstance(answer, dict) or not self.knows(question_id):
            return answer
        mapped = dict(answer)
        if "choice" in mapped:
            mapped["choice"] = convert(question_id, mapped["choice"])
        for field in ("choices", "order"):
            if isinstance(mapped.get(field), list):
                mapped[field] = [convert(question_id, x) for x in mapped[field]]
        return mapped
