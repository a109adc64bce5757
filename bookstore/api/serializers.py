"""Serializer behaviour shared by every API version."""

import re
from collections.abc import Mapping

from django.utils.datastructures import MultiValueDict
from rest_framework import serializers
from rest_framework.relations import ManyRelatedField, PrimaryKeyRelatedField

# The JSON type that the OpenAPI schema documents for each kind of field, tried in this order.
JSON_TYPES = [
    ((serializers.BooleanField,), bool, "a boolean"),
    ((serializers.IntegerField, PrimaryKeyRelatedField), int, "an integer"),
    ((serializers.FloatField,), (int, float), "a number"),
    (
        (serializers.ListSerializer, serializers.ListField, serializers.MultipleChoiceField, ManyRelatedField),
        list,
        "a list",
    ),
    ((serializers.Serializer, serializers.DictField), dict, "an object"),
    (
        (
            serializers.CharField,
            serializers.ChoiceField,
            serializers.DecimalField,
            serializers.DateField,
            serializers.DateTimeField,
            serializers.UUIDField,
        ),
        str,
        "a string",
    ),
]


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


def json_type_error(field, value):
    """Why `value` is not of the JSON type documented for `field`, or None when it is (or is null)."""
    if value is None:
        return None
    for classes, expected, name in JSON_TYPES:
        if isinstance(field, classes):
            wrong = not isinstance(value, expected) or (expected is int and isinstance(value, bool))
            if isinstance(field, ManyRelatedField) and not wrong:
                return next(filter(None, (json_type_error(field.child_relation, item) for item in value)), None)
            return f"Expected {name}." if wrong else None
    return None


class StrictFieldsMixin:
    """Input is what the schema says, no more and no other types, and nothing PostgreSQL cannot store.

    - A string with a NUL character or a lone surrogate, in any field (nested values and key names
      included), is refused naming the field, before any field runs: a field may look its value up in
      the database (uniqueness, related objects) before its own validators would have refused it.
    - Keys the serializer does not know are refused instead of silently dropped: a client that sends
      `is_staff` or a misspelt field learns at once that it had no effect. Read-only fields are known,
      so a representation that is sent back unchanged is accepted (and its read-only values ignored,
      whatever they are).
    - In JSON, each value must have the type the schema documents: `"12"` is not an integer and `12`
      is not a string. (HTML form input is all text, and is converted by the fields as usual; a nested
      object's fields are named `<field>.<key>` in a form, as the browsable API's forms name them.)
    """

    form_only_keys = frozenset({"csrfmiddlewaretoken"})  # posted by the browsable API's HTML forms

    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            self._refuse_unstorable_text(data)
            is_form = isinstance(data, MultiValueDict)  # a QueryDict, or a nested object parsed from one
            names = {self._form_field_name(key) for key in data} if is_form else set(data)
            unknown = names - set(self.fields) - (self.form_only_keys if is_form else set())
            if unknown:
                raise serializers.ValidationError({key: ["Unknown field."] for key in sorted(unknown)})
            if not is_form:
                writable = [name for name in data if not self.fields[name].read_only]
                errors = {
                    name: [error] for name in writable if (error := json_type_error(self.fields[name], data[name]))
                }
                if errors:
                    raise serializers.ValidationError(errors)
        return super().to_internal_value(data)

    def _form_field_name(self, key):
        """The field a form key fills: `shipping_address.city` fills the nested `shipping_address` (DRF parses
        such keys into the nested serializer's input, which refuses any key it does not know in turn)."""
        name, dot, _ = key.partition(".")
        return name if dot and isinstance(self.fields.get(name), serializers.BaseSerializer) else key

    def _refuse_unstorable_text(self, data):
        errors = {}
        if any(map(unstorable_text_error, data)):
            errors["non_field_errors"] = [f"Field names: {next(filter(None, map(unstorable_text_error, data)))}"]
        for name, field in self.fields.items():
            message = None if field.read_only else unstorable_text_error(field.get_value(data))
            if message:
                errors[name] = [message]
        if errors:
            raise serializers.ValidationError(errors)
