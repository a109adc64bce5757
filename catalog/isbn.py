"""ISBN checking and normalisation, shared by the model field, the admin and the API."""

import re

from django.core.exceptions import ValidationError

SEPARATORS = re.compile(r"[\s-]")


def isbn13_check_digit(first12: str) -> str:
    total = sum(int(digit) * (3 if i % 2 else 1) for i, digit in enumerate(first12))
    return str((10 - total % 10) % 10)


def isbn10_is_valid(isbn10: str) -> bool:
    total = sum((10 - i) * (10 if char == "X" else int(char)) for i, char in enumerate(isbn10))
    return total % 11 == 0


def normalize_isbn(value) -> str:
    """Return the 13-digit form of an ISBN-13 or ISBN-10, with or without hyphens and spaces.

    Raises ValidationError when the input is no ISBN or its check digit is wrong.
    """
    compact = SEPARATORS.sub("", str(value)).upper()
    if re.fullmatch(r"\d{9}[\dX]", compact):
        if not isbn10_is_valid(compact):
            raise ValidationError(
                "“%(value)s” is not a valid ISBN-10: its check digit is wrong.",
                code="isbn_checksum",
                params={"value": value},
            )
        first12 = "978" + compact[:9]
        return first12 + isbn13_check_digit(first12)
    if re.fullmatch(r"\d{13}", compact):
        if not compact.startswith(("978", "979")):
            raise ValidationError("An ISBN-13 starts with 978 or 979.", code="isbn_prefix")
        if compact[-1] != isbn13_check_digit(compact[:12]):
            raise ValidationError(
                "“%(value)s” is not a valid ISBN-13: its check digit is wrong.",
                code="isbn_checksum",
                params={"value": value},
            )
        return compact
    raise ValidationError("Enter an ISBN-13 or ISBN-10 (hyphens and spaces are allowed).", code="isbn_format")


def validate_isbn13(value) -> None:
    """Model validator: the stored value is the normalised 13-digit form."""
    if normalize_isbn(value) != value:
        raise ValidationError("Store the ISBN as 13 digits without separators.", code="isbn_not_normalised")


def isbn_search_term(term: str) -> str:
    """A search term as the ISBN it is stored as (13 digits) when it is an ISBN in any accepted form, else as
    it is; the API's search and the admin's use it alike."""
    try:
        return normalize_isbn(term)
    except ValidationError:
        return term
