"""/api/v{1,2}/books/{id}/reviews/ and /api/v{1,2}/reviews/{id}/: writing, reading, moderating reviews, and the
book's stored rating that follows them. (Who may do what: test_permissions.py.)"""

from decimal import Decimal
from unittest.mock import ANY
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from catalog.models import Book
from reviews.models import Review
from tests.envelope import data_of, error_of, no_content
from tests.factories import BookFactory, CustomerFactory, OrderManagerFactory
from tests.reviews.conftest import bought, refunded, write

pytestmark = pytest.mark.django_db


def client_of(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def reviews_url(book, version="v1"):
    return reverse(f"{version}:book-review-list", args=[book.pk])


def detail_url(review, version="v1"):
    return reverse(f"{version}:review-detail", args=[review.pk])


def rating_of(book):
    book = Book.objects.get(pk=book.pk)
    return (str(book.rating_average), book.rating_count)


def snapshot():
    return list(Review.objects.order_by("pk").values()), list(Book.objects.order_by("pk").values())


@pytest.fixture
def reader(db):
    return CustomerFactory(first_name="Ada", last_name="Lovelace")


@pytest.fixture
def novel(db):
    return BookFactory(title="Middlemarch")


# 1. Representation and create ----------------------------------------------------------------------------------


@pytest.mark.parametrize("version", ["v1", "v2"])
def test_create_answers_201_with_location_and_the_review(reader, novel, version):
    response = client_of(reader).post(
        reviews_url(novel, version), {"rating": 5, "title": "Wise", "body": "George Eliot at her best."}
    )

    review = Review.objects.get()
    assert data_of(response, 201) == {
        "id": review.pk,
        "book": novel.pk,
        "author": {"id": reader.pk, "name": "Ada L."},
        "rating": 5,
        "title": "Wise",
        "body": "George Eliot at her best.",
        "verified_purchase": False,
        "status": "published",
        "hidden_reason": None,
        "created_at": ANY,
        "updated_at": ANY,
    }
    assert response["Location"] == f"http://testserver{detail_url(review, version)}"
    assert data_of(APIClient().get(response["Location"]))["id"] == review.pk
    assert rating_of(novel) == ("5.00", 1)


def test_an_author_without_a_name_is_a_reader(novel):
    write(CustomerFactory(first_name="", last_name=""), novel)

    assert data_of(APIClient().get(reviews_url(novel)))["results"][0]["author"]["name"] == "A reader"


def test_a_second_review_of_the_same_book_is_a_409_naming_the_first(reader, novel):
    first = write(reader, novel, rating=2)
    before = snapshot()

    response = client_of(reader).post(reviews_url(novel), {"rating": 5, "body": "Changed my mind."})

    error = error_of(response, 409, "conflict")
    assert error["details"] == {"review": first.pk}
    assert snapshot() == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"rating": 0, "body": "Bad."}, "rating"),
        ({"rating": 6, "body": "Great."}, "rating"),
        ({"rating": "5", "body": "Great."}, "rating"),
        ({"rating": 4.5, "body": "Great."}, "rating"),
        ({"rating": True, "body": "Great."}, "rating"),
        ({"rating": None, "body": "Great."}, "rating"),
        ({"body": "Great."}, "rating"),
        ({"rating": 4, "body": ""}, "body"),
        ({"rating": 4, "body": "   \n "}, "body"),
        ({"rating": 4}, "body"),
        ({"rating": 4, "body": "x" * 5001}, "body"),
        ({"rating": 4, "body": "Nul \u0000 inside."}, "body"),
        ({"rating": 4, "body": "Fine.", "title": "t" * 121}, "title"),
        ({"rating": 4, "body": "Fine.", "verified_purchase": True, "stars": 5}, "stars"),
    ],
)
def test_invalid_review_is_a_400_naming_the_field_and_writes_nothing(reader, novel, body, field):
    before = snapshot()

    response = client_of(reader).post(reviews_url(novel), body, format="json")

    assert field in error_of(response, 400, "validation_error")["details"]
    assert snapshot() == before


def test_a_review_of_an_inactive_book_is_a_400_naming_the_book(reader):
    withdrawn = BookFactory(is_active=False)
    before = snapshot()

    response = client_of(reader).post(reviews_url(withdrawn), {"rating": 3, "body": "Where did it go?"})

    assert list(error_of(response, 400, "validation_error")["details"]) == ["book"]
    assert snapshot() == before


def test_a_review_of_an_unknown_book_is_a_400_naming_the_book(reader, novel):
    url = reverse("v1:book-review-list", args=[novel.pk + 1000])

    response = client_of(reader).post(url, {"rating": 3, "body": "Which book?"})

    assert list(error_of(response, 400, "validation_error")["details"]) == ["book"]
    assert not Review.objects.exists()


# 2. Lists --------------------------------------------------------------------------------------------------------


def test_the_list_is_newest_first_and_pages_by_limit_and_offset_in_v1(novel):
    reviews = [write(CustomerFactory(), novel, rating=rating) for rating in [1, 2, 3, 4, 5]]
    write(CustomerFactory(), BookFactory())  # another book's review is not listed

    first = data_of(APIClient().get(reviews_url(novel), {"limit": 2}))
    last = data_of(APIClient().get(reviews_url(novel), {"limit": 2, "offset": 4}))

    assert first["count"] == 5
    assert [row["id"] for row in first["results"]] == [reviews[4].pk, reviews[3].pk]
    assert parse_qs(urlsplit(first["next"]).query) == {"limit": ["2"], "offset": ["2"]}
    assert [row["id"] for row in last["results"]] == [reviews[0].pk]
    assert last["next"] is None


def test_the_v2_list_pages_by_cursor_newest_first(novel):
    reviews = [write(CustomerFactory(), novel) for _ in range(5)]
    Review.objects.filter(pk__in=[r.pk for r in reviews[:3]]).update(created_at=reviews[0].created_at)  # ties

    seen, url, params = [], reviews_url(novel, "v2"), {"limit": 2}
    while url:
        page = data_of(APIClient().get(url, params))
        assert set(page) == {"next", "previous", "results"}
        seen += [row["id"] for row in page["results"]]
        url, params = page["next"], None

    assert seen == [reviews[4].pk, reviews[3].pk, reviews[2].pk, reviews[1].pk, reviews[0].pk]


def test_reviews_of_an_unknown_or_inactive_book_are_a_404_for_readers(novel, catalog_manager_client):
    withdrawn = BookFactory()
    write(CustomerFactory(), withdrawn)  # written while it was sold
    Book.objects.filter(pk=withdrawn.pk).update(is_active=False)

    error_of(APIClient().get(reverse("v1:book-review-list", args=[novel.pk + 1000])), 404, "not_found")
    error_of(APIClient().get(reviews_url(withdrawn)), 404, "not_found")
    assert (
        data_of(catalog_manager_client.get(reviews_url(withdrawn)))["count"] == 0
    )  # they see the book, not the review


# 3. Changes, deletes and the stored rating ----------------------------------------------------------------------


def test_the_book_rating_follows_creates_edits_and_deletes(novel):
    ann, bob, cy = CustomerFactory(), CustomerFactory(), CustomerFactory()
    for user, rating in [(ann, 5), (bob, 4)]:
        data_of(client_of(user).post(reviews_url(novel), {"rating": rating, "body": "Read it."}), 201)
    assert rating_of(novel) == ("4.50", 2)

    cy_review = data_of(client_of(cy).post(reviews_url(novel), {"rating": 1, "body": "Not for me."}), 201)
    assert rating_of(novel) == ("3.33", 3)

    data_of(client_of(cy).patch(reverse("v1:review-detail", args=[cy_review["id"]]), {"rating": 2}))
    assert rating_of(novel) == ("3.67", 3)

    no_content(client_of(cy).delete(reverse("v1:review-detail", args=[cy_review["id"]])))
    assert rating_of(novel) == ("4.50", 2)

    book = data_of(APIClient().get(reverse("v1:book-detail", args=[novel.pk])))
    book_v2 = data_of(APIClient().get(reverse("v2:book-detail", args=[novel.pk])))
    assert (book["rating_average"], book["rating_count"]) == ("4.50", 2)
    assert book_v2["rating"] == {"average": "4.50", "count": 2}


def test_deleting_the_last_review_leaves_the_book_unrated(reader, novel):
    review = write(reader, novel, rating=3)

    no_content(client_of(reader).delete(detail_url(review)))

    assert rating_of(novel) == ("0.00", 0)
    assert data_of(APIClient().get(reverse("v1:book-detail", args=[novel.pk])))["rating_average"] is None


def test_patch_answers_the_changed_review_and_keeps_what_it_does_not_name(reader, novel):
    review = write(reader, novel, rating=3, title="Slow", body="Slow start.")

    data = data_of(client_of(reader).patch(detail_url(review), {"body": "Slow start, great end."}))

    assert (data["rating"], data["title"], data["body"]) == (3, "Slow", "Slow start, great end.")


@pytest.mark.parametrize(("body", "field"), [({"rating": 9}, "rating"), ({"body": " "}, "body"), ({"book": 1}, "book")])
def test_invalid_patch_is_a_400_and_changes_nothing(reader, novel, body, field):
    review = write(reader, novel, rating=3)
    before = snapshot()

    response = client_of(reader).patch(detail_url(review), body, format="json")

    assert field in error_of(response, 400, "validation_error")["details"]
    assert snapshot() == before


def test_put_is_not_offered(reader, novel):
    review = write(reader, novel)

    error_of(client_of(reader).put(detail_url(review), {"rating": 1, "body": "x"}), 405, "method_not_allowed")


def test_if_match_guards_a_review_edit(reader, novel):
    review = write(reader, novel, rating=3)
    client = client_of(reader)
    etag = client.get(detail_url(review))["ETag"]
    data_of(client.patch(detail_url(review), {"rating": 4}, HTTP_IF_MATCH=etag))

    error_of(client.patch(detail_url(review), {"rating": 5}, HTTP_IF_MATCH=etag), 412, "precondition_failed")

    assert Review.objects.get().rating == 4
    assert rating_of(novel) == ("4.00", 1)


# 4. Moderation ---------------------------------------------------------------------------------------------------


def test_a_hidden_review_leaves_lists_and_the_rating_and_its_author_still_sees_it(reader, novel, moderator):
    hidden = write(reader, novel, rating=1, body="Spoiler: Dorothea marries Will.")
    other = write(CustomerFactory(), novel, rating=5)

    data = data_of(client_of(moderator).post(reverse("v1:review-hide", args=[hidden.pk]), {"reason": "Spoilers."}))

    assert (data["status"], data["hidden_reason"]) == ("hidden", "Spoilers.")
    assert rating_of(novel) == ("5.00", 1)
    assert [row["id"] for row in data_of(APIClient().get(reviews_url(novel)))["results"]] == [other.pk]
    assert [row["id"] for row in data_of(client_of(CustomerFactory()).get(reviews_url(novel)))["results"]] == [other.pk]
    error_of(APIClient().get(detail_url(hidden)), 404, "not_found")
    own = data_of(client_of(reader).get(reviews_url(novel)))["results"]
    assert [(row["id"], row["status"], row["hidden_reason"]) for row in own] == [
        (other.pk, "published", None),
        (hidden.pk, "hidden", "Spoilers."),
    ]
    assert data_of(client_of(reader).get(detail_url(hidden)))["status"] == "hidden"
    listed = data_of(client_of(moderator).get(reviews_url(novel)))["results"]
    assert {row["id"] for row in listed} == {hidden.pk, other.pk}


def test_unhide_publishes_again_and_counts_again(reader, novel, moderator):
    review = write(reader, novel, rating=2)
    client = client_of(moderator)
    data_of(client.post(reverse("v1:review-hide", args=[review.pk]), {"reason": "Checking."}))
    assert rating_of(novel) == ("0.00", 0)

    data = data_of(client.post(reverse("v2:review-unhide", args=[review.pk]), {"reason": "Fine after all."}))

    assert (data["status"], data["hidden_reason"]) == ("published", None)
    assert rating_of(novel) == ("2.00", 1)
    stored = Review.objects.get()
    assert (stored.moderation_reason, stored.moderated_by) == ("Fine after all.", moderator)


def test_hiding_a_hidden_review_answers_it_as_it_is(reader, novel, moderator):
    review = write(reader, novel, rating=2)
    client = client_of(moderator)
    data_of(client.post(reverse("v1:review-hide", args=[review.pk]), {"reason": "First."}))

    data = data_of(client.post(reverse("v1:review-hide", args=[review.pk]), {"reason": "Second."}))

    assert (data["status"], data["hidden_reason"]) == ("hidden", "First.")


@pytest.mark.parametrize("body", [{}, {"reason": ""}, {"reason": "  "}, {"reason": "r" * 501}, {"reason": 5}])
def test_hiding_needs_a_reason(reader, novel, moderator, body):
    review = write(reader, novel)
    before = snapshot()

    response = client_of(moderator).post(reverse("v1:review-hide", args=[review.pk]), body, format="json")

    assert list(error_of(response, 400, "validation_error")["details"]) == ["reason"]
    assert snapshot() == before


def test_the_author_may_edit_a_hidden_review_and_it_stays_hidden_and_uncounted(reader, novel, moderator):
    review = write(reader, novel, rating=1)
    data_of(client_of(moderator).post(reverse("v1:review-hide", args=[review.pk]), {"reason": "Rude."}))

    data = data_of(client_of(reader).patch(detail_url(review), {"rating": 5, "body": "Sorry, I was rude."}))

    assert (data["status"], data["rating"]) == ("hidden", 5)
    assert rating_of(novel) == ("0.00", 0)


# 5. Verified purchase --------------------------------------------------------------------------------------------


def test_a_review_after_a_paid_order_is_a_verified_purchase(reader, novel):
    bought(reader, novel)

    data = data_of(client_of(reader).post(reviews_url(novel), {"rating": 4, "body": "Bought and read."}), 201)

    assert data["verified_purchase"] is True


@pytest.mark.parametrize("how", ["unpaid", "another_book", "someone_else"])
def test_no_paid_order_with_the_book_is_no_verified_purchase(reader, novel, how):
    if how == "unpaid":
        bought(reader, novel, paid=False)
    elif how == "another_book":
        bought(reader, BookFactory())
    else:
        bought(CustomerFactory(), novel)

    data = data_of(client_of(reader).post(reviews_url(novel), {"rating": 4, "body": "Borrowed it."}), 201)

    assert data["verified_purchase"] is False


def test_refunding_the_order_through_the_api_unverifies_the_review(reader, novel):
    order = bought(reader, novel, BookFactory())
    review = write(reader, novel)
    assert review.verified_purchase

    data_of(client_of(OrderManagerFactory()).post(reverse("v1:order-refund", args=[order.pk])))

    assert data_of(APIClient().get(detail_url(review)))["verified_purchase"] is False


def test_a_refund_leaves_the_review_verified_while_another_paid_order_holds_the_book(reader, novel):
    first = bought(reader, novel)
    bought(reader, novel)
    review = write(reader, novel)

    refunded(first)

    review.refresh_from_db()
    assert review.verified_purchase is True


def test_an_edit_computes_verified_purchase_again(reader, novel):
    review = write(reader, novel)
    bought(reader, novel)  # paid after the review was written

    data = data_of(client_of(reader).patch(detail_url(review), {"rating": 5}))

    assert data["verified_purchase"] is True
    assert rating_of(novel) == ("5.00", 1)


def test_the_rating_is_stored_not_computed_per_read(reader, novel):
    write(reader, novel, rating=4)
    Book.objects.filter(pk=novel.pk).update(rating_average=Decimal("2.00"))

    assert data_of(APIClient().get(reverse("v1:book-detail", args=[novel.pk])))["rating_average"] == "2.00"


def test_the_browsable_api_offers_the_review_form_to_a_signed_in_reader(reader, novel):
    browser = APIClient()
    browser.force_login(reader)

    page = browser.get(reviews_url(novel), HTTP_ACCEPT="text/html")

    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="rating"' in html
    assert 'name="body"' in html
