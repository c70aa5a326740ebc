"""A base for serializers that only write responses on hot endpoints."""

from __future__ import annotations

import copy

from rest_framework import serializers

__all__ = ["ResponseSerializer"]


class ResponseSerializer(serializers.Serializer):
    """A Serializer whose plain fields are copied shallowly for each instance.

    DRF deep-copies every declared field for every serializer instance (each field is
    rebuilt from deep copies of its arguments), and on a small response that is most of
    the work. A response-only serializer never changes a field's options, so a shallow
    copy, bound afresh to this instance, renders the same. Nested serializers keep DRF's
    deep copy: they carry fields of their own.
    """

    def get_fields(self):
        return {
            name: copy.deepcopy(field)
            if isinstance(field, serializers.BaseSerializer)
            else copy.copy(field)
            for name, field in self._declared_fields.items()
        }
