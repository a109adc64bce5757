"""Idempotent POSTs (pretix's way): a client's `Idempotency-Key` is scoped to its user; the first request inserts
the key's row and holds it locked until its answer is stored, so a concurrent duplicate waits on that row and then
replays the stored answer (same status, same body). The same key with another request is refused."""

import hashlib
import json
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework.response import Response
from rest_framework.utils.encoders import JSONEncoder

from bookstore.api.errors import DomainError

from .errors import IdempotencyKeyRequired, IdempotencyKeyReused
from .models import IdempotencyKey

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255


def request_fingerprint(request, data) -> str:
    """What makes two requests the same: method, path and the validated body."""
    text = json.dumps([request.method, request.path, data], sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def idempotency_key_of(request) -> str:
    key = request.headers.get(HEADER, "").strip()
    if not key:
        raise IdempotencyKeyRequired()
    if len(key) > MAX_KEY_LENGTH or not key.isprintable():
        raise ValidationError({HEADER: [f"1 to {MAX_KEY_LENGTH} printable characters."]})
    return key


def _claim(user, key: str, fingerprint: str) -> IdempotencyKey:
    """The key's row, locked: new, or as the first request with this key left it (after waiting for it)."""
    try:
        with transaction.atomic():
            return IdempotencyKey.objects.create(user=user, key=key, fingerprint=fingerprint)
    except IntegrityError:
        pass
    record = IdempotencyKey.objects.select_for_update().get(user=user, key=key)
    expired = record.created_at < timezone.now() - timedelta(hours=settings.IDEMPOTENCY_KEY_TTL_HOURS)
    if expired:
        # Older than the promised lifetime: the key starts afresh.
        record.fingerprint, record.status_code, record.body, record.location = fingerprint, None, "", ""
        record.created_at = timezone.now()
        record.save()
    return record


def idempotent(view, request, *, fingerprint: str, run) -> Response:
    """Answer `run()` once per (user, key): the first call runs it and stores its answer, success or domain
    refusal alike; every later call with the key replays that answer. Nothing is stored when `run` fails
    otherwise (a crash rolls the key back with it, so the client may retry)."""
    key = idempotency_key_of(request)
    with transaction.atomic():
        record = _claim(request.user, key, fingerprint)
        if record.fingerprint != fingerprint:
            raise IdempotencyKeyReused()
        if record.status_code is None:
            try:
                with transaction.atomic():
                    response = run()
            except DomainError as exc:
                response = view.handle_exception(exc)
            record.status_code, record.body = response.status_code, json.dumps(response.data, cls=JSONEncoder)
            record.location = response.get("Location", "")
            record.save(update_fields=["status_code", "body", "location"])
            return response
    headers = {"Location": record.location} if record.location else None
    return Response(json.loads(record.body), status=record.status_code, headers=headers)
