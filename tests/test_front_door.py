"""The front door (`/` and `/api/`) and the API roots lead a newcomer to each version, its docs and the auth
endpoints; the browsable API names its pages in words."""

import html
import re
from urllib.parse import urlsplit

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from tests.envelope import data_of, error_of
from tests.factories import BookFactory

VERSIONS = ["v1", "v2"]
DOCS = ["api-root", "swagger-ui", "redoc", "schema"]
AUTH = ["register", "token-obtain", "token-refresh", "token-verify", "logout", "me"]
LINK = re.compile(r"""<a [^>]*href="([^"]*)\"""")
ABSOLUTE_URL = re.compile(r"""(?:https?:)?//[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+""")


def page_text(response):
    return html.unescape(response.content.decode())


@pytest.mark.parametrize("url_name", ["front-door", "api-front-door"])
def test_front_door_links_each_version_its_docs_and_auth_endpoints(client, url_name):
    response = client.get(reverse(url_name))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    text = page_text(response)
    links = set(LINK.findall(text))
    for version in VERSIONS:
        assert {reverse(f"{version}:{name}") for name in DOCS} <= links
        assert all(reverse(f"{version}:{name}") in text for name in AUTH)
    assert reverse("admin:index") in links
    # v2 comes first and is the one recommended.
    assert text.index(reverse("v2:api-root")) < text.index(reverse("v1:api-root"))
    assert "recommended" in text.split('id="v1"')[0]


def test_front_door_runs_no_script_and_loads_nothing_from_outside(client):
    response = client.get(reverse("front-door"))

    text = response.content.decode()
    assert "<script" not in text
    assert ABSOLUTE_URL.findall(text) == []
    assert "default-src 'none'" in response["Content-Security-Policy"]
    stylesheets = re.findall(r'<link rel="stylesheet" href="([^"]*)"', text)
    assert stylesheets
    assert all(urlsplit(url).path.startswith("/static/") for url in stylesheets)


@pytest.mark.parametrize("path", ["/api/nope/", "/api/v3/books/", "/api/v1x/"])
def test_other_paths_under_api_are_still_a_404_envelope(api_client, path):
    error_of(api_client.get(path), 404, "not_found")


@pytest.mark.parametrize("version", VERSIONS)
def test_api_root_links_the_cart_the_docs_and_the_auth_endpoints(api_client, db, version):
    data = data_of(api_client.get(reverse(f"{version}:api-root")))

    expected = {
        "books": "book-list",
        "orders": "order-list",
        "cart": "cart",
        "cart-items": "cart-item-list",
        "docs": "swagger-ui",
        "redoc": "redoc",
        "schema": "schema",
        "auth-register": "register",
        "auth-token": "token-obtain",
        "auth-token-refresh": "token-refresh",
        "me": "me",
    }
    assert {key: urlsplit(data[key]).path for key in expected} == {
        key: reverse(f"{version}:{name}") for key, name in expected.items()
    }


@pytest.mark.parametrize(
    ("url", "title", "breadcrumbs"),
    [
        (lambda: reverse("v2:api-root"), "Bookstore API", ["Bookstore API"]),
        (lambda: reverse("v2:book-list"), "Books", ["Bookstore API", "Books"]),
        (lambda: reverse("v1:author-list"), "Authors", ["Bookstore API", "Authors"]),
        (lambda: reverse("v2:token-obtain"), "Log in (token pair)", ["Bookstore API", "Log in (token pair)"]),
    ],
)
def test_browsable_api_titles_and_breadcrumbs_are_words(client, db, url, title, breadcrumbs):
    text = page_text(client.get(url(), HTTP_ACCEPT="text/html"))

    assert re.search(r"<h1>\s*(.*?)\s*</h1>", text).group(1) == title
    trail = re.search(r'<ul class="breadcrumb">(.*?)</ul>', text, re.S).group(1)
    assert [crumb.strip() for crumb in re.findall(r">([^<>]+)<", trail) if crumb.strip()] == breadcrumbs


def test_book_detail_title_is_the_singular(client, db):
    book = BookFactory()
    text = page_text(client.get(reverse("v2:book-detail", args=[book.pk]), HTTP_ACCEPT="text/html"))

    assert re.search(r"<h1>\s*(.*?)\s*</h1>", text).group(1) == "Book"
    trail = re.search(r'<ul class="breadcrumb">(.*?)</ul>', text, re.S).group(1)
    assert [crumb.strip() for crumb in re.findall(r">([^<>]+)<", trail) if crumb.strip()] == [
        "Bookstore API",
        "Books",
        "Book",
    ]


def test_the_favicon_is_the_bookstores_icon_among_the_static_files(client):
    assert reverse("favicon") == "/favicon.ico"  # where browsers ask for it, whatever the page

    response = client.get(reverse("favicon"))

    assert response.status_code == 302
    assert response["Location"] == "/static/bookstore/favicon.png"
    path = finders.find("bookstore/favicon.png")
    assert path is not None
    with open(path, "rb") as icon:
        assert icon.read(8) == b"\x89PNG\r\n\x1a\n"
