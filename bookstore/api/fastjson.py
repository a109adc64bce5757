"""JSON encoding with orjson, writing what DRF's JSON encoding writes, several times faster: DRF's own encoder
handles everything orjson would write differently or not at all (dates and times, decimals, lazy strings, ...).
The API answers no float that could be NaN (orjson would write null where the json module refuses)."""

import json

import orjson
from rest_framework.utils import encoders


class RawJSON:
    """JSON text to be written as it is (a book as PostgreSQL wrote it): orjson writes it unparsed; the json module
    (an indented answer, or the fallback below) parses it first."""

    __slots__ = ("text",)

    def __init__(self, text: str):
        self.text = text


class JSONEncoder(encoders.JSONEncoder):
    """DRF's encoder, which also writes RawJSON."""

    def default(self, obj):
        if isinstance(obj, RawJSON):
            return json.loads(obj.text)
        return super().default(obj)


_encoder = encoders.JSONEncoder()


def _default(obj):
    return orjson.Fragment(obj.text) if isinstance(obj, RawJSON) else _encoder.default(obj)


OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS | orjson.OPT_NON_STR_KEYS
EncodeError = orjson.JSONEncodeError


def dumps(data, *, sort_keys: bool = False) -> bytes:
    """Compact UTF-8 JSON. Raises EncodeError where orjson cannot encode (a lone surrogate): the caller falls back
    to the json module then."""
    return orjson.dumps(data, default=_default, option=OPTIONS | (orjson.OPT_SORT_KEYS if sort_keys else 0))
