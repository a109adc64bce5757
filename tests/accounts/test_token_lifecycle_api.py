"""The JWT lifecycle through the API: login, rotation, verify, logout, logout-all, password change, bad tokens."""

import base64
import json
import time

import jwt
import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from rest_framework.test import APIClient
from rest_framework_simplejwt.settings import api_settings as jwt_settings

from tests.envelope import data_of, error_of
from tests.factories import PASSWORD, CustomerFactory, SuperuserFactory

User = get_user_model()

NEW_PASSWORD = "amber-otter-lighthouse-582"
OTHER_KEY = "another-signing-key-that-is-long-enough-for-hs256"
# PyJWT warns about keys too short for the algorithm; these tests use such keys on purpose.
SHORT_KEY_WARNING = pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning")


# Helpers ---------------------------------------------------------------------------------------------------------


def obtain(email, password=PASSWORD):
    return APIClient().post(reverse("v1:token-obtain"), {"email": email, "password": password})


def login(user, password=PASSWORD):
    """A fresh access + refresh pair of the user, from the token endpoint."""
    response = obtain(user.email, password)
    return data_of(response)


def bearer(token):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


def me(token):
    return bearer(token).get(reverse("v1:me"))


def refresh(token):
    return APIClient().post(reverse("v1:token-refresh"), {"refresh": token})


def verify(token):
    return APIClient().post(reverse("v1:token-verify"), {"token": token})


def assert_unauthorized(response, code="token_not_valid"):
    error = error_of(response, 401, code)
    assert response["WWW-Authenticate"].startswith("Bearer")
    return error


def claims_of(token):
    return jwt.decode(token, options={"verify_signature": False})


def b64(data):
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def sign(payload, key=None, algorithm="HS256"):
    return jwt.encode(payload, key or jwt_settings.SIGNING_KEY, algorithm=algorithm)


# Login --------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("email", ["reader@example.com", "READER@EXAMPLE.COM", "Reader@Example.Com"])
def test_login_with_the_email_in_any_case_gives_a_working_pair(reader, email):
    pair = data_of(obtain(email))

    assert set(pair) == {"access", "refresh"}
    assert data_of(me(pair["access"]))["email"] == "reader@example.com"
    assert claims_of(pair["access"])["token_type"] == "access"
    assert claims_of(pair["refresh"])["token_type"] == "refresh"


@SHORT_KEY_WARNING
def test_tokens_are_signed_with_the_jwt_key_not_the_secret_key(reader, settings):
    access = login(reader)["access"]

    assert jwt_settings.SIGNING_KEY != settings.SECRET_KEY
    assert jwt.get_unverified_header(access)["alg"] == "HS256"
    assert jwt.decode(access, jwt_settings.SIGNING_KEY, algorithms=["HS256"])["user_id"] in (reader.pk, str(reader.pk))
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(access, settings.SECRET_KEY, algorithms=["HS256"])


def test_wrong_password_and_unknown_email_answer_identically(reader):
    wrong_password = obtain("reader@example.com", "not-the-password")
    unknown_email = obtain("nobody@example.com")

    assert_unauthorized(wrong_password, "not_authenticated")
    assert_unauthorized(unknown_email, "not_authenticated")
    assert wrong_password.content == unknown_email.content
    assert wrong_password["WWW-Authenticate"] == unknown_email["WWW-Authenticate"]


# Refresh (rotation) -----------------------------------------------------------------------------------------------


def test_refresh_answers_a_new_access_and_a_new_refresh_token(reader):
    pair = login(reader)

    rotated = data_of(refresh(pair["refresh"]))

    assert set(rotated) == {"access", "refresh"}
    assert rotated["refresh"] != pair["refresh"]
    assert rotated["access"] != pair["access"]
    assert data_of(me(rotated["access"]))["id"] == reader.pk
    assert set(data_of(refresh(rotated["refresh"]))) == {"access", "refresh"}


def test_a_refresh_token_works_only_once(reader):
    pair = login(reader)
    data_of(refresh(pair["refresh"]))

    assert_unauthorized(refresh(pair["refresh"]))


def test_a_replayed_refresh_token_does_not_spend_the_rotated_one(reader):
    pair = login(reader)
    rotated = data_of(refresh(pair["refresh"]))
    assert_unauthorized(refresh(pair["refresh"]))

    assert set(data_of(refresh(rotated["refresh"]))) == {"access", "refresh"}


# Verify -----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["access", "refresh"])
def test_verify_accepts_a_good_token(reader, kind):
    pair = login(reader)

    data_of(verify(pair[kind]))


def test_verify_refuses_an_access_token_revoked_by_logout_all(reader):
    pair = login(reader)
    data_of(bearer(pair["access"]).post(reverse("v1:logout-all")))

    assert_unauthorized(verify(pair["access"]))


def test_verify_refuses_a_refresh_token_revoked_by_logout(reader):
    pair = login(reader)
    data_of(APIClient().post(reverse("v1:logout"), {"refresh": pair["refresh"]}))

    assert_unauthorized(verify(pair["refresh"]))


def test_verify_refuses_a_spent_refresh_token(reader):
    pair = login(reader)
    data_of(refresh(pair["refresh"]))

    assert_unauthorized(verify(pair["refresh"]))


def test_verify_refuses_garbage(db):
    assert_unauthorized(verify("not-a-token"))


# Logout -----------------------------------------------------------------------------------------------------------


def test_logout_revokes_that_refresh_token_only(reader):
    laptop = login(reader)
    phone = login(reader)

    response = APIClient().post(reverse("v1:logout"), {"refresh": laptop["refresh"]})

    assert data_of(response) is None
    assert_unauthorized(refresh(laptop["refresh"]))
    assert set(data_of(refresh(phone["refresh"]))) == {"access", "refresh"}


def test_logout_twice_with_the_same_token_is_refused(reader):
    pair = login(reader)
    data_of(APIClient().post(reverse("v1:logout"), {"refresh": pair["refresh"]}))

    assert_unauthorized(APIClient().post(reverse("v1:logout"), {"refresh": pair["refresh"]}))


def test_logout_with_an_access_token_is_refused(reader):
    pair = login(reader)

    assert_unauthorized(APIClient().post(reverse("v1:logout"), {"refresh": pair["access"]}))
    assert set(data_of(refresh(pair["refresh"]))) == {"access", "refresh"}


def test_logout_needs_a_refresh_token(db):
    response = APIClient().post(reverse("v1:logout"), {})

    assert list(error_of(response, 400, "validation_error")["details"]) == ["refresh"]


# Logout everywhere ------------------------------------------------------------------------------------------------


def test_logout_all_revokes_every_token_issued_before_it(reader):
    laptop = login(reader)
    phone = login(reader)
    tablet_refresh = data_of(refresh(login(reader)["refresh"]))["refresh"]

    response = bearer(laptop["access"]).post(reverse("v1:logout-all"))

    assert data_of(response) is None
    for refresh_token in (laptop["refresh"], phone["refresh"], tablet_refresh):
        assert_unauthorized(refresh(refresh_token))
    for access_token in (laptop["access"], phone["access"]):
        assert_unauthorized(me(access_token))


def test_a_login_after_logout_all_works(reader):
    before = login(reader)
    data_of(bearer(before["access"]).post(reverse("v1:logout-all")))

    after = login(reader)

    assert data_of(me(after["access"]))["id"] == reader.pk
    assert set(data_of(refresh(after["refresh"]))) == {"access", "refresh"}
    assert_unauthorized(me(before["access"]))


def test_logout_all_leaves_other_users_signed_in(reader):
    other = CustomerFactory()
    others_pair = login(other)

    bearer(login(reader)["access"]).post(reverse("v1:logout-all"))

    assert data_of(me(others_pair["access"]))["id"] == other.pk
    assert set(data_of(refresh(others_pair["refresh"]))) == {"access", "refresh"}


# Password change --------------------------------------------------------------------------------------------------


def change_password(access, body):
    return bearer(access).post(reverse("v1:password-change"), body)


def test_password_change_answers_a_new_pair_and_revokes_the_old_tokens(reader):
    old = login(reader)
    other_session = login(reader)

    new = data_of(change_password(old["access"], {"current_password": PASSWORD, "new_password": NEW_PASSWORD}))

    assert set(new) == {"access", "refresh"}
    assert data_of(me(new["access"]))["id"] == reader.pk
    for pair in (old, other_session):
        assert_unauthorized(me(pair["access"]))
        assert_unauthorized(refresh(pair["refresh"]))
    assert set(data_of(refresh(new["refresh"]))) == {"access", "refresh"}


def test_after_a_password_change_only_the_new_password_logs_in(reader):
    access = login(reader)["access"]
    change_password(access, {"current_password": PASSWORD, "new_password": NEW_PASSWORD})

    assert_unauthorized(obtain(reader.email, PASSWORD), "not_authenticated")
    assert set(data_of(obtain(reader.email, NEW_PASSWORD))) == {"access", "refresh"}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        pytest.param(
            {"current_password": "not-the-password", "new_password": NEW_PASSWORD},
            "current_password",
            id="wrong-current",
        ),
        pytest.param({"new_password": NEW_PASSWORD}, "current_password", id="missing-current"),
        pytest.param({"current_password": PASSWORD, "new_password": "short"}, "new_password", id="too-short"),
        pytest.param({"current_password": PASSWORD, "new_password": "password123"}, "new_password", id="too-common"),
        pytest.param({"current_password": PASSWORD, "new_password": "8406123975"}, "new_password", id="numeric"),
        pytest.param({"current_password": PASSWORD}, "new_password", id="missing-new"),
        pytest.param(
            {"current_password": PASSWORD, "new_password": NEW_PASSWORD, "is_staff": True},
            "is_staff",
            id="unknown-field",
        ),
    ],
)
def test_a_refused_password_change_changes_nothing(reader, body, field):
    pair = login(reader)

    response = change_password(pair["access"], body)

    assert field in error_of(response, 400, "validation_error")["details"]
    reader.refresh_from_db()
    assert reader.check_password(PASSWORD)
    assert data_of(me(pair["access"]))["id"] == reader.pk
    assert set(data_of(refresh(pair["refresh"]))) == {"access", "refresh"}


# Bad tokens -------------------------------------------------------------------------------------------------------
# Each builder takes the user and a fresh pair from the endpoint and answers the Authorization header to send.


def tampered_payload(user, pair):
    header, _, signature = pair["access"].split(".")
    other = SuperuserFactory()
    return f"Bearer {header}.{b64({**claims_of(pair['access']), 'user_id': str(other.pk)})}.{signature}"


def tampered_signature(user, pair):
    header, payload, signature = pair["access"].split(".")
    flipped = ("B" if signature[0] == "A" else "A") + signature[1:]
    return f"Bearer {header}.{payload}.{flipped}"


def expired(user, pair):
    now = int(time.time())
    return f"Bearer {sign({**claims_of(pair['access']), 'iat': now - 3600, 'exp': now - 60})}"


def alg_none(user, pair):
    return f"Bearer {jwt.encode(claims_of(pair['access']), key=None, algorithm='none')}"


def alg_none_by_hand(user, pair):
    return f"Bearer {b64({'alg': 'none', 'typ': 'JWT'})}.{b64(claims_of(pair['access']))}."


def other_key(user, pair):
    return f"Bearer {sign(claims_of(pair['access']), key=OTHER_KEY)}"


def hs512_with_the_project_key(user, pair):
    return f"Bearer {sign(claims_of(pair['access']), algorithm='HS512')}"


def refresh_as_access(user, pair):
    return f"Bearer {pair['refresh']}"


def revoked(user, pair):
    data_of(bearer(pair["access"]).post(reverse("v1:logout-all")))
    return f"Bearer {pair['access']}"


def deactivated_user(user, pair):
    User.objects.filter(pk=user.pk).update(is_active=False)
    return f"Bearer {pair['access']}"


def deleted_user(user, pair):
    User.objects.filter(pk=user.pk).delete()
    return f"Bearer {pair['access']}"


def garbage(user, pair):
    return "Bearer not-a-jwt-at-all"


def three_garbage_parts(user, pair):
    return "Bearer a.b.c"


def missing_bearer_prefix(user, pair):
    return pair["access"]


def other_scheme(user, pair):
    return f"JWT {pair['access']}"


def bearer_without_token(user, pair):
    return "Bearer"


def bearer_with_two_tokens(user, pair):
    return f"Bearer {pair['access']} {pair['access']}"


BAD_ACCESS = [
    pytest.param(tampered_payload, "token_not_valid", id="tampered-payload"),
    pytest.param(tampered_signature, "token_not_valid", id="tampered-signature"),
    pytest.param(expired, "token_not_valid", id="expired"),
    pytest.param(alg_none, "token_not_valid", id="alg-none"),
    pytest.param(alg_none_by_hand, "token_not_valid", id="alg-none-by-hand"),
    pytest.param(other_key, "token_not_valid", id="signed-with-another-key"),
    pytest.param(hs512_with_the_project_key, "token_not_valid", id="hs512", marks=SHORT_KEY_WARNING),
    pytest.param(refresh_as_access, "token_not_valid", id="refresh-used-as-access"),
    pytest.param(revoked, "token_not_valid", id="revoked"),
    pytest.param(deactivated_user, "token_not_valid", id="deactivated-user"),
    pytest.param(deleted_user, "token_not_valid", id="deleted-user"),
    pytest.param(garbage, "token_not_valid", id="garbage"),
    pytest.param(three_garbage_parts, "token_not_valid", id="three-garbage-parts"),
    pytest.param(missing_bearer_prefix, "not_authenticated", id="missing-bearer-prefix"),
    pytest.param(other_scheme, "not_authenticated", id="other-scheme"),
    pytest.param(bearer_without_token, "not_authenticated", id="bearer-without-token"),
    pytest.param(bearer_with_two_tokens, "not_authenticated", id="bearer-with-two-tokens"),
]


def test_a_token_rebuilt_by_these_helpers_is_accepted(reader):
    """The forging helpers are sound: re-signing an unchanged payload with the project key still works."""
    pair = login(reader)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {sign(claims_of(pair['access']))}")

    assert data_of(client.get(reverse("v1:me")))["id"] == reader.pk


@pytest.mark.parametrize(("build", "code"), BAD_ACCESS)
def test_a_bad_access_token_is_refused_on_a_protected_endpoint(reader, build, code):
    pair = login(reader)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=build(reader, pair))

    response = client.get(reverse("v1:me"))

    assert_unauthorized(response, code)


def refresh_tampered_payload(user, pair):
    header, _, signature = pair["refresh"].split(".")
    other = SuperuserFactory()
    return f"{header}.{b64({**claims_of(pair['refresh']), 'user_id': str(other.pk)})}.{signature}"


def refresh_expired(user, pair):
    now = int(time.time())
    return sign({**claims_of(pair["refresh"]), "iat": now - 3600, "exp": now - 60})


def refresh_alg_none(user, pair):
    return jwt.encode(claims_of(pair["refresh"]), key=None, algorithm="none")


def refresh_other_key(user, pair):
    return sign(claims_of(pair["refresh"]), key=OTHER_KEY)


def access_as_refresh(user, pair):
    return pair["access"]


def refresh_logged_out(user, pair):
    data_of(APIClient().post(reverse("v1:logout"), {"refresh": pair["refresh"]}))
    return pair["refresh"]


def refresh_revoked_by_logout_all(user, pair):
    data_of(bearer(pair["access"]).post(reverse("v1:logout-all")))
    return pair["refresh"]


def refresh_of_deactivated_user(user, pair):
    User.objects.filter(pk=user.pk).update(is_active=False)
    return pair["refresh"]


def refresh_of_deleted_user(user, pair):
    User.objects.filter(pk=user.pk).delete()
    return pair["refresh"]


@pytest.mark.parametrize(
    "build",
    [
        pytest.param(refresh_tampered_payload, id="tampered-payload"),
        pytest.param(refresh_expired, id="expired"),
        pytest.param(refresh_alg_none, id="alg-none"),
        pytest.param(refresh_other_key, id="signed-with-another-key"),
        pytest.param(access_as_refresh, id="access-used-as-refresh"),
        pytest.param(refresh_logged_out, id="logged-out"),
        pytest.param(refresh_revoked_by_logout_all, id="revoked-by-logout-all"),
        pytest.param(refresh_of_deactivated_user, id="deactivated-user"),
        pytest.param(refresh_of_deleted_user, id="deleted-user"),
        pytest.param(lambda user, pair: "not-a-jwt-at-all", id="garbage"),
    ],
)
def test_a_bad_refresh_token_is_refused(reader, build):
    pair = login(reader)

    response = refresh(build(reader, pair))

    assert_unauthorized(response)
