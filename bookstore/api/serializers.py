"""Serializer behaviour shared by every API version."""

from collections.abc import Mapping

from rest_framework import serializers


class StrictFieldsMixin:
    """Reject input keys the serializer does not know instead of silently dropping them.

    A client that sends `is_staff` or a misspelt field learns at once that it had no effect.
    Read-only fields are known, so a representation that is sent back unchanged is accepted.
    """

    ignored_input_keys = frozenset({"csrfmiddlewaretoken"})  # posted by the browsable API's HTML forms

    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            unknown = set(data) - set(self.fields) - self.ignored_input_keys
            if unknown:
                raise serializers.ValidationError({key: ["Unknown field."] for key in sorted(unknown)})
        return super().to_internal_value(data)
