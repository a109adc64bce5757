"""The review admin: moderators list and filter reviews, and hide or publish them again with a reason."""

import pytest
from django.test import Client
from django.urls import reverse

from catalog.models import Book
from reviews.models import Review
from tests.factories import BookFactory, CustomerFactory, ModeratorFactory
from tests.reviews.conftest import bought, write

pytestmark = pytest.mark.django_db


@pytest.fixture
def shelf():
    book = BookFactory(title="Middlemarch")
    buyer = CustomerFactory(email="buyer@example.com")
    bought(buyer, book)
    verified = write(buyer, book, rating=5)
    plain = write(CustomerFactory(email="reader@example.com"), book, rating=2)
    hidden = write(CustomerFactory(email="rude@example.com"), book, rating=1)
    Review.objects.filter(pk=hidden.pk).update(status=Review.Status.HIDDEN)
    return {"verified": verified, "plain": plain, "hidden": hidden, "book": book}


@pytest.fixture
def moderator_browser():
    moderator = ModeratorFactory(is_staff=True)
    browser = Client()
    browser.force_login(moderator)
    return browser


def listed(browser, **params):
    response = browser.get(reverse("admin:reviews_review_changelist"), params)
    assert response.status_code == 200
    return sorted(review.pk for review in response.context["cl"].result_list)


@pytest.mark.parametrize("browser_fixture", ["superuser_browser", "moderator_browser"])
@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["verified", "plain", "hidden"]),
        ({"rating": "5"}, ["verified"]),
        ({"status__exact": "hidden"}, ["hidden"]),
        ({"verified_purchase__exact": "1"}, ["verified"]),
        ({"verified_purchase__exact": "0", "status__exact": "published"}, ["plain"]),
    ],
)
def test_reviews_are_listed_and_filtered(request, shelf, browser_fixture, params, expected):
    browser = request.getfixturevalue(browser_fixture)

    assert listed(browser, **params) == sorted(shelf[name].pk for name in expected)


def test_the_hide_action_asks_for_a_reason_then_hides_and_recounts(moderator_browser, shelf):
    url = reverse("admin:reviews_review_changelist")
    selected = {"action": "review_hide", "_selected_action": [shelf["plain"].pk]}

    asked = moderator_browser.post(url, selected)
    assert asked.status_code == 200
    assert 'name="reason"' in asked.content.decode()
    assert Review.objects.get(pk=shelf["plain"].pk).status == "published"

    done = moderator_browser.post(url, {**selected, "apply": "Hide", "reason": "Off topic."})

    assert done.status_code == 302
    review = Review.objects.get(pk=shelf["plain"].pk)
    assert (review.status, review.moderation_reason) == ("hidden", "Off topic.")
    book = Book.objects.get(pk=shelf["book"].pk)
    assert (str(book.rating_average), book.rating_count) == ("5.00", 1)


def test_staff_who_are_not_moderators_do_not_see_reviews(db, shelf):
    staff = CustomerFactory(is_staff=True)
    browser = Client()
    browser.force_login(staff)

    assert browser.get(reverse("admin:reviews_review_changelist")).status_code == 403


def test_no_one_deletes_or_edits_a_review_in_the_admin(superuser_browser, shelf):
    response = superuser_browser.get(reverse("admin:reviews_review_changelist"))

    actions = [name for name, _ in response.context["action_form"].fields["action"].choices if name]
    assert actions == ["review_hide", "review_unhide"]
    change = superuser_browser.post(
        reverse("admin:reviews_review_change", args=[shelf["plain"].pk]), {"rating": 5, "body": "Edited."}
    )
    assert change.status_code == 403
    assert Review.objects.get(pk=shelf["plain"].pk).rating == 2
