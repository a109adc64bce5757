"""Assertions on the API's response envelope {"success", "data", "error"}, shared by the test modules.

Not a test module (its name does not start with test_): import the helpers, e.g.
`from tests.envelope import data_of, error_of, no_content`.
"""

ENVELOPE_KEYS = {"success", "data", "error"}
ERROR_KEYS = {"code", "message", "details"}


def data_of(response, status=200):
    """The `data` of a success envelope, after checking the status and the envelope's shape."""
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == ENVELOPE_KEYS
    assert body["success"] is True
    assert body["error"] is None
    return body["data"]


def error_of(response, status, code=None):
    """The `error` of an error envelope, after checking the status, the envelope's and the error's shape, a
    non-empty message and, when given, the error code."""
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == ENVELOPE_KEYS
    assert body["success"] is False
    assert body["data"] is None
    error = body["error"]
    assert set(error) == ERROR_KEYS, error
    assert isinstance(error["message"], str), error
    assert error["message"], error
    if code is not None:
        assert error["code"] == code, error
    return error


def no_content(response):
    """A 204 answer: no envelope, an empty body (DELETE's one exception to the envelope)."""
    assert response.status_code == 204, response.content
    assert response.content == b""
