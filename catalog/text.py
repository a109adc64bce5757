"""Strings PostgreSQL cannot store (a NUL character, a lone surrogate) are refused by validation.

The same module is in accounts/ and catalog/ until it moves into the API library
(bookstore/api/serializers.py, beside StrictFieldsMixin), which both apps may import.
"""

import re
from collections.abc import Mapping

from rest_framework import serializers

UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def unstorable_text_error(value) -> str | None:
    """Why `value` (a string, or a list or object holding strings, keys included) cannot be stored, or None."""
    if isinstance(value, str):
        found = UNSTORABLE.search(value)
        if found is None:
            return None
        if found.group() == "\x00":
            return "Null characters are not allowed."
        return f"Surrogate characters are not allowed: U+{ord(found.group()):X}."
    if isinstance(value, Mapping):
        return next(filter(None, map(unstorable_text_error, [*value.keys(), *value.values()])), None)
    if isinstance(value, list | tuple):
        return next(filter(None, map(unstorable_text_error, value)), None)
    return None


class StorableTextMixin:
    """Refuse input with a string PostgreSQL cannot store, naming the field, before any field runs: a
    field may look its value up in the database (uniqueness, related objects by name) or echo it in an
    error message before its own validators would have refused it."""

    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            errors = {}
            for key in data:
                message = unstorable_text_error(key)
                if message:
                    errors["non_field_errors"] = [f"Field names: {message}"]
            for name, field in self.fields.items():
                message = None if field.read_only else unstorable_text_error(field.get_value(data))
                if message:
                    errors[name] = [message]
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)
