"""JSON with bounds, for request bodies and every other JSON the API reads from a client.

Python's parser follows nesting until the interpreter's recursion limit and turns `1e400` into infinity;
neither should reach a view, a query or a recursion limit. Here a document nested deeper than MAX_DEPTH,
a non-finite number (`NaN`, `Infinity`, `1e400`) or an integer outside the 64-bit range of the database's
ids is refused as malformed (400 `parse_error`).
"""

import codecs
import json

from django.conf import settings
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

MAX_DEPTH = 32
MAX_INT = 2**63 - 1


def loads(text):
    """`json.loads` with the bounds above; a ValueError says what was wrong."""
    try:
        value = json.loads(text, parse_constant=_refuse_constant, parse_float=_finite_float, parse_int=_bounded_int)
    except RecursionError:
        raise ValueError(f"JSON nested deeper than {MAX_DEPTH} levels.") from None
    _check_depth(value)
    return value


def _refuse_constant(name):
    raise ValueError(f"{name} is not a JSON number.")


def _finite_float(text):
    number = float(text)
    if number in (float("inf"), float("-inf")):
        raise ValueError(f"The number {text[:20]} is out of range.")
    return number


def _bounded_int(text):
    number = int(text)
    if abs(number) > MAX_INT:
        raise ValueError(f"The integer {text[:20]}... is out of range (at most 19 digits).")
    return number


def _check_depth(value):
    pending = [(value, 1)]
    while pending:
        node, depth = pending.pop()
        children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else ()
        for child in children:
            if isinstance(child, (dict, list)):
                if depth >= MAX_DEPTH:
                    raise ValueError(f"JSON nested deeper than {MAX_DEPTH} levels.")
                pending.append((child, depth + 1))


class BoundedJSONParser(JSONParser):
    """DRF's JSON parser, reading with `loads` above."""

    def parse(self, stream, media_type=None, parser_context=None):
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            return loads(codecs.getreader(encoding)(stream).read())
        except ValueError as exc:
            raise ParseError(f"JSON parse error - {exc}") from exc
