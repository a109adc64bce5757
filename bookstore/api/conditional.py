"""HTTP caching: entity tags for conditional requests (`ETag` on reads, `If-Match` guarding writes), and
the headers that keep one user's answers out of shared caches."""

import hashlib
import json
import re

from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import parse_etags, quote_etag
from rest_framework import status
from rest_framework.exceptions import APIException, ParseError

from . import fastjson

# What an If-Match may hold: `*`, or a comma-separated list of entity tags (RFC 9110; a tag holds no comma, as
# none of ours do), or nothing (no precondition). The schema documents this same pattern.
IF_MATCH = re.compile(r'(\*|(W/)?"[^",]*"(\s*,\s*(W/)?"[^",]*")*)?')


class PreconditionFailed(APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = "The resource has changed since you read it (If-Match does not match its ETag)."
    default_code = "precondition_failed"


def etag_for(data) -> str:
    """A strong ETag of a representation's data, the same whatever renderer shows it. JSON passed on as written
    (RawJSON: a list's books from PostgreSQL) is hashed as written, its keys unsorted; the json module, which would
    parse and sort it, is only the fallback for a lone surrogate, which such text (from the database) cannot hold."""
    try:
        canonical = fastjson.dumps(data, sort_keys=True)
    except fastjson.EncodeError:  # a lone surrogate: escaped by the json module
        canonical = json.dumps(data, cls=fastjson.JSONEncoder, sort_keys=True, separators=(",", ":")).encode()
    return quote_etag(hashlib.sha256(canonical).hexdigest()[:40])


def check_if_match(request, current_etag: str) -> None:
    """Raise 412 when the request carries an If-Match that the current representation fails."""
    header = request.headers.get("If-Match", "").strip()
    if not IF_MATCH.fullmatch(header):
        # Not even partly read: Django's parse_etags would keep the well-formed tags of a malformed list.
        raise ParseError("If-Match must hold an ETag from an earlier answer, or *.")
    if not header:
        return  # an empty header is no precondition, as an empty query parameter is no filter
    wanted = parse_etags(header)
    if "*" not in wanted and current_etag not in wanted:
        raise PreconditionFailed()


class PrivateResponseMixin:
    """For views whose answers are about one user or carry their tokens (errors included): no cache may
    store them, and any cache in the way must key them on the credentials as well as the media type."""

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        patch_cache_control(response, private=True, no_store=True)
        patch_vary_headers(response, ("Accept", "Authorization", "Cookie"))
        return response
