"""The security headers of every kind of page: the Content-Security-Policy (what the browser may load) and the
Permissions-Policy (which browser features pages may use)."""

import pytest
from csp.exceptions import CSPNonceError
from csp.middleware import CSPMiddleware as LibraryCSPMiddleware
from django.http import HttpResponse
from django.urls import reverse

from bookstore.csp import CSPMiddleware as OurCSPMiddleware

PAGES = [
    ("admin:login", None),
    ("v1:book-list", "text/html"),
    ("v1:book-list", "application/json"),
    ("v2:swagger-ui", None),
    ("v2:redoc", None),
    ("api-root-v2", None),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("url_name", "accept"), PAGES)
def test_every_page_carries_the_policies(client, url_name, accept):
    url = reverse("v2:api-root") if url_name == "api-root-v2" else reverse(url_name)
    response = client.get(url, headers={"Accept": accept} if accept else {})

    assert response.status_code == 200
    policy = dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))
    assert policy["script-src"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    assert "https:" not in response["Content-Security-Policy"]
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]


def library_answer(request, response):
    """The headers django-csp's own middleware sets on `response`, on a copy of it."""
    copy = HttpResponse(response.content, status=response.status_code)
    for name in ("_csp_exempt", "_csp_update", "_csp_replace", "_csp_config"):
        if hasattr(response, name):
            setattr(copy, name, getattr(response, name))
    library = LibraryCSPMiddleware(lambda request: copy)
    library.process_request(request)
    return library.process_response(request, copy)


VIEW_CHANGES = [
    pytest.param({}, id="plain"),
    pytest.param({"_csp_update": {"img-src": ["https://images.example"]}}, id="csp_update"),
    pytest.param({"_csp_replace": {"script-src": None}}, id="csp_replace"),
    pytest.param({"_csp_exempt": True}, id="csp_exempt"),
]


@pytest.mark.parametrize("changes", VIEW_CHANGES)
@pytest.mark.parametrize("status", [200, 404, 500])
def test_the_kept_policy_is_the_one_django_csp_builds(rf, changes, status):
    """bookstore.csp keeps the settings' policy instead of building it per answer: the headers are django-csp's,
    for plain answers and for those a view decorator changed."""
    request = rf.get("/api/v2/books/")
    response = HttpResponse(b"{}", status=status)
    for name, value in changes.items():
        setattr(response, name, value)
    ours = OurCSPMiddleware(lambda request: response)
    ours.process_request(request)
    answered = ours.process_response(request, response)

    expected = library_answer(rf.get("/api/v2/books/"), response)
    for header in ("Content-Security-Policy", "Content-Security-Policy-Report-Only"):
        assert answered.get(header) == expected.get(header)
    assert ("Content-Security-Policy" in answered) is (changes.get("_csp_exempt") is None)


def test_a_nonce_asked_for_after_the_header_is_written_is_an_error(rf):
    request = rf.get("/api/v2/books/")
    middleware = OurCSPMiddleware(lambda request: HttpResponse())
    middleware.process_request(request)
    middleware.process_response(request, HttpResponse())

    with pytest.raises(CSPNonceError):
        str(request.csp_nonce)


def test_a_changed_setting_changes_the_kept_policy(rf, settings):
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": ["'self'"], "img-src": ["'self'", "https:"]}}
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = {"DIRECTIVES": {"default-src": ["'none'"]}}
    request = rf.get("/")
    middleware = OurCSPMiddleware(lambda request: HttpResponse())
    middleware.process_request(request)
    response = middleware.process_response(request, HttpResponse())

    # django-csp writes the directives in the order of a set: compared as a set.
    assert set(response["Content-Security-Policy"].split("; ")) == {"default-src 'self'", "img-src 'self' https:"}
    assert response["Content-Security-Policy-Report-Only"] == "default-src 'none'"
