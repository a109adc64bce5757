"""A process checks an access token's signature and claims once: the same token sent again is not decoded again,
while its expiry and the user's revocation and deactivation still decide every request."""

import time

import pytest
from django.contrib.auth import get_user_model
from rest_framework_simplejwt.backends import TokenBackend

from accounts.authentication import _verified_token
from tests.accounts.test_token_lifecycle_api import assert_unauthorized, claims_of, login, me, sign
from tests.envelope import data_of

pytestmark = pytest.mark.django_db
User = get_user_model()


@pytest.fixture
def decodes(monkeypatch):
    """The tokens SimpleJWT decodes (base64, JSON, signature, claims)."""
    made = []
    decode = TokenBackend.decode

    def counted(self, token, verify=True):
        made.append(token)
        return decode(self, token, verify)

    monkeypatch.setattr(TokenBackend, "decode", counted)
    return made


def test_a_token_sent_again_is_not_decoded_again(reader, decodes):
    access = login(reader)["access"]
    decodes.clear()

    for _ in range(3):
        assert data_of(me(access))["id"] == reader.pk

    assert decodes == [access.encode()]


def test_a_checked_token_that_expires_is_refused_as_any_expired_token(reader, decodes):
    exp = int(time.time()) + 2
    access = sign({**claims_of(login(reader)["access"]), "exp": exp})
    assert data_of(me(access))["id"] == reader.pk
    time.sleep(max(0.0, exp - time.time()) + 0.1)

    refused = assert_unauthorized(me(access))
    never_seen = assert_unauthorized(me(sign({**claims_of(access), "jti": "another"})))
    assert refused == never_seen


def test_a_checked_token_of_a_deactivated_user_is_refused(reader):
    access = login(reader)["access"]
    assert data_of(me(access))["id"] == reader.pk
    User.objects.filter(pk=reader.pk).update(is_active=False)

    assert_unauthorized(me(access))


def test_refused_tokens_are_not_kept(reader):
    """Only tokens SimpleJWT accepts are kept: junk sent by anyone cannot push them out."""
    access = login(reader)["access"]
    assert data_of(me(access))["id"] == reader.pk
    kept = _verified_token.cache_info().currsize

    for junk in ("a.b.c", sign({**claims_of(access), "exp": int(time.time()) - 60}), access[:-2] + "xx"):
        assert_unauthorized(me(junk))

    assert _verified_token.cache_info().currsize == kept
    assert data_of(me(access))["id"] == reader.pk
