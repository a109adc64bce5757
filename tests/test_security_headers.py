"""The security headers of every kind of page: the Content-Security-Policy (what the browser may load) and the
Permissions-Policy (which browser features pages may use)."""

import pytest
from django.urls import reverse

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
