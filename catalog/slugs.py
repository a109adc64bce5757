"""Slugs for catalog objects whose writer did not choose one."""

import secrets

from django.db import IntegrityError, transaction
from django.utils.text import slugify

# Concurrent creates with the same title each pick the next free numbered slug; a writer that keeps
# losing that race takes a random suffix instead, so that N concurrent writers need not N rounds.
NUMBERED_ATTEMPTS = 3
ATTEMPTS = 8


def unique_slug(model, text: str, fallback: str) -> str:
    """`slugify(text)`, with `-2`, `-3`, ... appended if another row already has it."""
    base = slug_base(text, fallback)
    taken = set(model.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


def slug_base(text: str, fallback: str) -> str:
    return slugify(text)[:100].strip("-") or fallback


def create_with_unique_slug(model, *, text: str, fallback: str, **fields):
    """`model.objects.create(slug=<a free slug made from text>, **fields)`, safe under concurrency.

    The free slug is computed, then inserted under a savepoint; if a concurrent writer committed the
    same slug first, the unique constraint refuses the insert and the next candidate is tried. Any
    other integrity error is raised as it is. Call inside a transaction.
    """
    for attempt in range(ATTEMPTS):
        if attempt < NUMBERED_ATTEMPTS:
            slug = unique_slug(model, text, fallback)
        else:
            slug = f"{slug_base(text, fallback)}-{secrets.token_hex(3)}"
        try:
            with transaction.atomic():
                return model.objects.create(slug=slug, **fields)
        except IntegrityError:
            if not model.objects.filter(slug=slug).exists():
                raise
    raise IntegrityError(f"No free slug for {text!r} after {ATTEMPTS} attempts.")
