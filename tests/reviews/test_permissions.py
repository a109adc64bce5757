"""Who may do what with reviews: one table of role x operation, in v1 and v2.

Anyone reads published reviews; a signed-in user writes one per book; only its author changes or deletes a
review (anyone else, moderators and superusers included, gets a 404 and nothing changes); moderators and
superusers hide and publish again. A hidden review exists only for its author and the moderators.
"""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from reviews.models import Review
from tests.envelope import data_of, error_of, no_content
from tests.factories import BookFactory, CustomerFactory, ModeratorFactory, SuperuserFactory
from tests.reviews.conftest import write

ROLES = ["anonymous", "author", "other_customer", "moderator", "superuser"]

# fmt: off
TABLE = [
    # operation         anonymous  author  other_customer  moderator  superuser
    ("list",            200,       200,    200,            200,       200),
    ("retrieve",        200,       200,    200,            200,       200),
    ("retrieve_hidden", 404,       200,    404,            200,       200),
    ("create",          401,       201,    201,            201,       201),
    ("partial_update",  401,       200,    404,            404,       404),
    ("destroy",         401,       204,    404,            404,       404),
    ("hide",            401,       403,    403,            200,       200),
    ("unhide",          401,       403,    404,            200,       200),
]
# fmt: on
CELLS = [
    pytest.param(version, role, operation, status, id=f"{version}-{role}-{operation}")
    for version in ["v1", "v2"]
    for operation, *statuses in TABLE
    for role, status in zip(ROLES, statuses, strict=True)
]
REFUSAL_CODES = {401: "not_authenticated", 403: "permission_denied", 404: "not_found"}


def snapshot():
    return list(Review.objects.order_by("pk").values())


@pytest.mark.django_db
@pytest.mark.parametrize(("version", "role", "operation", "status"), CELLS)
def test_permission_table(version, role, operation, status):
    author = CustomerFactory()
    users = {
        "anonymous": None,
        "author": author,
        "other_customer": CustomerFactory(),
        "moderator": ModeratorFactory(),
        "superuser": SuperuserFactory(),
    }
    book = BookFactory()
    review = write(author, book, rating=4)
    if operation in ("retrieve_hidden", "unhide"):
        Review.objects.filter(pk=review.pk).update(status=Review.Status.HIDDEN, moderation_reason="Spoilers.")
    client = APIClient()
    if users[role] is not None:
        client.force_authenticate(users[role])
    detail = reverse(f"{version}:review-detail", args=[review.pk])
    reason = {"reason": "Checked by a moderator."}
    requests = {
        "list": lambda: client.get(reverse(f"{version}:book-review-list", args=[book.pk])),
        "retrieve": lambda: client.get(detail),
        "retrieve_hidden": lambda: client.get(detail),
        "create": lambda: client.post(
            reverse(f"{version}:book-review-list", args=[BookFactory().pk]), {"rating": 5, "body": "Loved it."}
        ),
        "partial_update": lambda: client.patch(detail, {"rating": 1}),
        "destroy": lambda: client.delete(detail),
        "hide": lambda: client.post(reverse(f"{version}:review-hide", args=[review.pk]), reason),
        "unhide": lambda: client.post(reverse(f"{version}:review-unhide", args=[review.pk]), reason),
    }
    before = snapshot()

    response = requests[operation]()

    if status in REFUSAL_CODES:
        error_of(response, status, REFUSAL_CODES[status])
        assert snapshot() == before
    elif status == 204:
        no_content(response)
        assert not Review.objects.filter(pk=review.pk).exists()
    else:
        data = data_of(response, status)
        stored = Review.objects.get(pk=data["id"]) if operation != "list" else None
        if operation == "list":
            assert [row["id"] for row in data["results"]] == [review.pk]
        elif operation == "create":
            assert (stored.user, stored.rating) == (users[role], 5)
        elif operation == "partial_update":
            assert stored.rating == 1
        elif operation == "hide":
            assert (stored.status, stored.moderated_by) == ("hidden", users[role])
        elif operation == "unhide":
            assert (stored.status, stored.moderated_by) == ("published", users[role])
        else:
            assert data["id"] == review.pk
