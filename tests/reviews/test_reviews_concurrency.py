"""Concurrent review writes of one book (PostgreSQL, real threads): the stored rating always equals a fresh
count of the visible reviews afterwards."""

import os
import random
import threading
from collections import Counter
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.db.models import Avg, Count
from django.urls import reverse
from rest_framework.test import APIClient

from catalog.models import Book
from reviews.models import Review
from tests.concurrency import at_once, concurrency_marks
from tests.factories import BookFactory, CustomerFactory, ModeratorFactory
from tests.reviews.conftest import write

CUSTOMERS = 30
# CI can ask for more rounds with REVIEW_ROUNDS; three keep the suite quick.
ROUNDS = int(os.environ.get("REVIEW_ROUNDS", "3"))

pytestmark = concurrency_marks()


def client_of(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def fresh_rating(book):
    """The rating counted now from the published reviews, as book_rating_set stores it."""
    stats = Review.objects.filter(book=book, status="published").aggregate(average=Avg("rating"), count=Count("id"))
    if not stats["count"]:
        return Decimal("0.00"), 0
    return Decimal(stats["average"]).quantize(Decimal("0.01"), ROUND_HALF_UP), stats["count"]


def customer_session(user, book, rng, phase):
    """Post a review, edit it, then delete it or edit it again (half post a new one after the delete); every
    customer and moderator takes each step at once (`phase`), so the writes of a step race each other."""

    def run():
        client = client_of(user)
        response = client.post(
            reverse("v1:book-review-list", args=[book.pk]), {"rating": rng.randint(1, 5), "body": "x"}
        )
        statuses = [response.status_code]
        url = reverse("v1:review-detail", args=[response.json()["data"]["id"]])
        phase.wait(timeout=60)
        statuses.append(client.patch(url, {"rating": rng.randint(1, 5)}).status_code)
        phase.wait(timeout=60)
        if rng.random() < 0.5:
            statuses.append(client.patch(url, {"rating": rng.randint(1, 5)}).status_code)
        else:
            statuses.append(client.delete(url).status_code)
            if rng.random() < 0.5:
                again = {"rating": rng.randint(1, 5), "body": "y"}
                statuses.append(client.post(reverse("v2:book-review-list", args=[book.pk]), again).status_code)
        return statuses

    return run


def moderator_session(moderator, reviews, rng, phase):
    """Hide, publish again and hide the reviews written before the round, one step per phase."""

    def run():
        client = client_of(moderator)
        statuses = []
        for step, verb in enumerate(["hide", "unhide", "hide"]):
            if step:
                phase.wait(timeout=60)
            for review in rng.sample(reviews, len(reviews)):
                url = reverse(f"v1:review-{verb}", args=[review.pk])
                statuses.append(client.post(url, {"reason": "Checking."}).status_code)
        return statuses

    return run


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_30_customers_writing_editing_and_deleting_reviews_of_one_book_leave_an_exact_rating(round_):
    rng = random.Random(round_)  # noqa: S311 - test data, not secrets
    book = BookFactory()
    earlier = [write(CustomerFactory(), book, rating=rng.randint(1, 5)) for _ in range(6)]
    customers = [CustomerFactory() for _ in range(CUSTOMERS)]
    moderators = [ModeratorFactory() for _ in range(2)]
    phase = threading.Barrier(CUSTOMERS + len(moderators))
    sessions = [
        customer_session(user, book, random.Random(f"{round_}-{i}"), phase)  # noqa: S311 - test data
        for i, user in enumerate(customers)
    ]
    sessions += [
        moderator_session(user, earlier, random.Random(f"{round_}-m{i}"), phase)  # noqa: S311 - test data
        for i, user in enumerate(moderators)
    ]

    results = at_once(sessions)

    assert all(isinstance(result, list) for result in results), results
    assert set(Counter(status for result in results for status in result)) <= {200, 201, 204}, results
    stored = Book.objects.get(pk=book.pk)
    assert (stored.rating_average, stored.rating_count) == fresh_rating(book)
    # Every earlier review ends hidden (each moderator's last word on it is "hide"); the customers' reviews count.
    assert Review.objects.filter(pk__in=[r.pk for r in earlier], status="published").count() == 0
    assert stored.rating_count == Review.objects.filter(book=book, user__in=customers).count() > 0


def test_two_concurrent_first_reviews_by_one_reader_make_one_review_and_one_409():
    book = BookFactory()
    reader = CustomerFactory()
    url = reverse("v1:book-review-list", args=[book.pk])

    results = at_once([lambda: client_of(reader).post(url, {"rating": 4, "body": "Twice?"}).status_code] * 10)

    assert Counter(results) == {201: 1, 409: 9}
    assert Review.objects.filter(book=book).count() == 1
    assert Book.objects.get(pk=book.pk).rating_count == 1
