"""Who may do what with accounts: one table of endpoint x action x role, held in v1 and v2.

/users/ is for staff with the user permissions (a superuser here), and offers no create, replace or delete
(405 whoever asks: no credentials could make them succeed).
/users/me/, its password and logout-all are for any signed-in user, on their own account. A refused request
answers the error envelope, changes no account and shows no other user's data.
"""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from rest_framework.test import APIClient

from tests.envelope import data_of, error_of
from tests.factories import PASSWORD, ROLE_FACTORIES, CustomerFactory

User = get_user_model()

VERSIONS = ["v1", "v2"]
ROLES = ["anonymous", "customer", "catalog_manager", "superuser"]
NEW_PASSWORD = "amber-otter-lighthouse-582"

# fmt: off
TABLE = [
    # endpoint        action            anonymous  customer  catalog_manager  superuser
    ("users",         "list",           401,       403,      403,             200),
    ("users",         "retrieve",       401,       403,      403,             200),
    ("users",         "create",         405,       405,      405,             405),
    ("users",         "update",         405,       405,      405,             405),
    ("users",         "partial_update", 401,       403,      403,             200),
    ("users",         "destroy",        405,       405,      405,             405),
    ("me",            "retrieve",       401,       200,      200,             200),
    ("me",            "update",         401,       405,      405,             405),
    ("me",            "partial_update", 401,       200,      200,             200),
    ("me",            "destroy",        401,       405,      405,             405),
    ("password",      "change",         401,       200,      200,             200),
    ("logout_all",    "revoke",         401,       200,      200,             200),
]
# fmt: on
CELLS = [
    pytest.param(endpoint, action, role, status, id=f"{role}-{endpoint}-{action}")
    for endpoint, action, *statuses in TABLE
    for role, status in zip(ROLES, statuses, strict=True)
]
REFUSAL_CODES = {401: "not_authenticated", 403: "permission_denied", 405: "method_not_allowed"}
NEW_USER = {"email": "new@example.com", "first_name": "N", "last_name": "U", "roles": [], "is_active": False}


@pytest.fixture
def target(db):
    """A customer whose account /users/ looks at and changes."""
    return CustomerFactory(email="target@example.com")


def send(client, version, endpoint, action, target):
    users, user = reverse(f"{version}:user-list"), reverse(f"{version}:user-detail", args=[target.pk])
    me = reverse(f"{version}:me")
    requests = {
        ("users", "list"): lambda: client.get(users),
        ("users", "retrieve"): lambda: client.get(user),
        ("users", "create"): lambda: client.post(users, NEW_USER),
        ("users", "update"): lambda: client.put(user, NEW_USER),
        ("users", "partial_update"): lambda: client.patch(user, {"is_active": False}),
        ("users", "destroy"): lambda: client.delete(user),
        ("me", "retrieve"): lambda: client.get(me),
        ("me", "update"): lambda: client.put(me, {"email": "new@example.com", "first_name": "N", "last_name": "U"}),
        ("me", "partial_update"): lambda: client.patch(me, {"first_name": "Augusta"}),
        ("me", "destroy"): lambda: client.delete(me),
        ("password", "change"): lambda: client.post(
            reverse(f"{version}:password-change"), {"current_password": PASSWORD, "new_password": NEW_PASSWORD}
        ),
        ("logout_all", "revoke"): lambda: client.post(reverse(f"{version}:logout-all")),
    }
    return requests[endpoint, action]()


def snapshot():
    """Every account, with its roles and permissions."""
    return [
        {
            **row,
            "roles": sorted(User.objects.get(pk=row["id"]).groups.values_list("name", flat=True)),
            "permissions": sorted(User.objects.get(pk=row["id"]).user_permissions.values_list("codename", flat=True)),
        }
        for row in User.objects.order_by("pk").values()
    ]


def assert_allowed(response, status, endpoint, action, actor, target, before):
    """The answer, and what the request changed (`before`: the snapshot taken before it)."""
    data = data_of(response, status)
    if (endpoint, action) == ("users", "list"):
        assert target.email in [user["email"] for user in data["results"]]
    elif (endpoint, action) == ("users", "retrieve"):
        assert (data["id"], data["email"]) == (target.pk, target.email)
    elif (endpoint, action) == ("users", "partial_update"):
        assert data["is_active"] is False
        target.refresh_from_db()
        assert not target.is_active
    elif (endpoint, action) == ("me", "retrieve"):
        assert (data["id"], data["email"]) == (actor.pk, actor.email)
    elif (endpoint, action) == ("me", "partial_update"):
        assert data["first_name"] == "Augusta"
        actor.refresh_from_db()
        assert actor.first_name == "Augusta"
    elif endpoint == "password":
        assert set(data) == {"access", "refresh"}
        actor.refresh_from_db()
        assert actor.check_password(NEW_PASSWORD)
    else:
        assert data is None
        (token_version,) = [row["token_version"] for row in before if row["id"] == actor.pk]
        actor.refresh_from_db()
        assert actor.token_version == token_version + 1


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize(("endpoint", "action", "role", "status"), CELLS)
def test_permission_table(target, endpoint, action, role, status, version):
    client, actor = APIClient(), None
    if ROLE_FACTORIES[role] is not None:
        actor = ROLE_FACTORIES[role]()
        client.force_authenticate(actor)
    before = snapshot()

    response = send(client, version, endpoint, action, target)

    if status in REFUSAL_CODES:
        error_of(response, status, REFUSAL_CODES[status])
        if status == 401:
            assert response["WWW-Authenticate"].startswith("Bearer")
        assert target.email not in response.content.decode()
        assert snapshot() == before
    else:
        assert_allowed(response, status, endpoint, action, actor, target, before)
