"""catalog.isbn: ISBN-13 and ISBN-10 checking and normalisation to 13 digits."""

import pytest
from django.core.exceptions import ValidationError

from catalog.isbn import isbn13_check_digit, normalize_isbn, validate_isbn13


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("9780306406157", "9780306406157"),
        ("978-0-306-40615-7", "9780306406157"),
        ("978 0 306 40615 7", "9780306406157"),
        ("0306406152", "9780306406157"),
        ("0-306-40615-2", "9780306406157"),
        ("080442957X", "9780804429573"),
        ("0-8044-2957-x", "9780804429573"),
        ("9791090636071", "9791090636071"),
        (9780306406157, "9780306406157"),
    ],
)
def test_accepted_forms_normalise_to_isbn13(value, expected):
    assert normalize_isbn(value) == expected


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("9780306406158", "isbn_checksum"),
        ("0306406153", "isbn_checksum"),
        ("080442957-0", "isbn_checksum"),
        ("9770000000003", "isbn_prefix"),
        ("978030640615", "isbn_format"),
        ("97803064061570", "isbn_format"),
        ("X306406152", "isbn_format"),
        ("978-0-306-40615-7/1", "isbn_format"),
        ("", "isbn_format"),
    ],
)
def test_invalid_isbns_are_refused_with_a_code(value, code):
    with pytest.raises(ValidationError) as excinfo:
        normalize_isbn(value)

    assert excinfo.value.code == code


@pytest.mark.parametrize(("first12", "digit"), [("978030640615", "7"), ("978014044913", "6"), ("979109063607", "1")])
def test_isbn13_check_digit(first12, digit):
    assert isbn13_check_digit(first12) == digit


def test_model_validator_accepts_the_stored_form():
    validate_isbn13("9780306406157")


@pytest.mark.parametrize("value", ["978-0-306-40615-7", "0306406152"])
def test_model_validator_refuses_other_forms(value):
    with pytest.raises(ValidationError) as excinfo:
        validate_isbn13(value)

    assert excinfo.value.code == "isbn_not_normalised"
