"""Slugs for catalog objects whose writer did not choose one."""

from django.utils.text import slugify


def unique_slug(model, text: str, fallback: str) -> str:
    """`slugify(text)`, with `-2`, `-3`, ... appended if another row already has it."""
    base = slugify(text)[:100].strip("-") or fallback
    taken = set(model.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate
