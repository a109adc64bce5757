"""The review services called directly: each refusal raises and writes nothing; the refund handler."""

import pytest
from django.core.checks import run_checks
from django.core.exceptions import PermissionDenied, ValidationError

from catalog.models import Book
from reviews.errors import ReviewExists, ReviewNotFound
from reviews.models import Review
from reviews.services import (
    review_delete,
    review_hide,
    review_purchases_refresh,
    review_unhide,
    review_update,
)
from tests.factories import BookFactory, SuperuserFactory
from tests.reviews.conftest import bought, refunded, write

pytestmark = pytest.mark.django_db


def snapshot():
    return list(Review.objects.order_by("pk").values()), list(Book.objects.order_by("pk").values())


@pytest.fixture
def review(customer, book):
    return write(customer, book, rating=3)


@pytest.mark.parametrize(
    ("fields", "field"),
    [({"rating": 0}, "rating"), ({"rating": 6}, "rating"), ({"body": " "}, "body"), ({"title": "t" * 121}, "title")],
)
def test_review_create_refuses_invalid_fields_and_writes_nothing(customer, book, fields, field):
    before = snapshot()

    with pytest.raises(ValidationError) as refused:
        write(customer, book, **fields)

    assert field in refused.value.message_dict
    assert snapshot() == before


def test_review_create_refuses_a_second_review_naming_the_first(review, customer, book):
    before = snapshot()

    with pytest.raises(ReviewExists) as refused:
        write(customer, book, rating=5)

    assert refused.value.details == {"review": review.pk}
    assert snapshot() == before


def test_review_update_and_delete_by_someone_else_are_not_found_and_change_nothing(review, other_customer):
    before = snapshot()

    with pytest.raises(ReviewNotFound):
        review_update(review=review, user=other_customer, rating=1)
    with pytest.raises(ReviewNotFound):
        review_delete(review=review, user=other_customer)
    with pytest.raises(ReviewNotFound):
        review_update(review=review, user=SuperuserFactory(), rating=1)

    assert snapshot() == before


def test_review_update_of_a_review_deleted_meanwhile_is_not_found(review, customer):
    Review.objects.filter(pk=review.pk).delete()

    with pytest.raises(ReviewNotFound):
        review_update(review=review, user=customer, rating=1)


@pytest.mark.parametrize("service", [review_hide, review_unhide])
def test_moderation_by_a_customer_is_refused_and_changes_nothing(review, other_customer, customer, service):
    before = snapshot()

    for user in (other_customer, customer):
        with pytest.raises(PermissionDenied):
            service(review=review, by=user, reason="Mine to judge.")

    assert snapshot() == before


def test_a_superuser_moderates_without_the_group(review, book):
    review_hide(review=review, by=SuperuserFactory(), reason="Spam.")

    assert Review.objects.get().status == "hidden"
    assert Book.objects.get(pk=book.pk).rating_count == 0


def test_review_purchases_refresh_unverifies_only_the_refunded_books_of_that_buyer(customer, other_customer):
    kept, refunded_book = BookFactory(), BookFactory()
    order = bought(customer, refunded_book)
    bought(customer, kept)
    bought(other_customer, refunded_book)
    mine = write(customer, refunded_book)
    still_mine = write(customer, kept)
    theirs = write(other_customer, refunded_book)
    assert [mine.verified_purchase, still_mine.verified_purchase, theirs.verified_purchase] == [True] * 3

    refunded(order)

    assert [
        r.verified_purchase for r in Review.objects.filter(pk__in=[mine.pk, still_mine.pk, theirs.pk]).order_by("pk")
    ] == [
        False,
        True,
        True,
    ]
    assert review_purchases_refresh(order=order) == 0  # nothing left to change


def test_a_refund_handler_that_does_not_import_fails_the_system_check(settings):
    settings.ORDER_REFUND_HANDLERS = ["payments.services.payment_refund", "reviews.services.no_such_handler"]

    errors = [error for error in run_checks() if error.id == "orders.E001"]

    assert [error.msg.split(" does not")[0] for error in errors] == [
        "ORDER_REFUND_HANDLERS: reviews.services.no_such_handler"
    ]


def test_the_configured_refund_handlers_pass_the_system_check():
    assert [error for error in run_checks() if error.id == "orders.E001"] == []
