"""A refresh token works exactly once, also when many requests replay it at the same moment (PostgreSQL)."""

from collections import Counter

from django.urls import reverse
from rest_framework.test import APIClient

from tests.concurrency import at_once, concurrency_marks
from tests.envelope import data_of, error_of
from tests.factories import PASSWORD, CustomerFactory

REPLAYS = 20  # under the auth_refresh throttle of 30/minute per client

pytestmark = concurrency_marks()


def refresh(token):
    return APIClient().post(reverse("v1:token-refresh"), {"refresh": token})


def replay_at_once(token, times):
    """POST the same refresh token from `times` threads released together; answers the response of each (or
    ("exception", repr) for a thread that died)."""
    return at_once([lambda: refresh(token)] * times)


def test_concurrent_replays_of_one_refresh_token_succeed_exactly_once():
    user = CustomerFactory()
    pair = data_of(APIClient().post(reverse("v1:token-obtain"), {"email": user.email, "password": PASSWORD}))

    results = replay_at_once(pair["refresh"], REPLAYS)

    assert not [result for result in results if isinstance(result, tuple)], results
    statuses = Counter(response.status_code for response in results)
    assert statuses == {200: 1, 401: REPLAYS - 1}, results
    for response in results:
        if response.status_code == 401:
            error_of(response, 401, "token_not_valid")
    (winner,) = [data_of(response) for response in results if response.status_code == 200]
    # The one new pair works; the replayed token is spent.
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {winner['access']}")
    data_of(client.get(reverse("v1:me")))
    data_of(refresh(winner["refresh"]))
    error_of(refresh(pair["refresh"]), 401, "token_not_valid")
