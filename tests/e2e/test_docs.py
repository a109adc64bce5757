"""Swagger UI and ReDoc in a browser: they render the operations from the platform alone, and Swagger UI's
"Try it out" sends the JWT given to "Authorize"."""

from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.factories import PASSWORD, BookFactory, CatalogManagerFactory

# The live server answers from its own thread: what a test creates must be committed to be seen there.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def outside_requests(page, base_url):
    """`outside_requests()`: the URLs of the requests the page made so far to any host but the live server.

    Requests the page's own Content-Security-Policy refuses never leave the browser and do not count.
    The others are blocked, so that a closed network and an open one behave alike."""
    server = urlsplit(base_url).netloc
    made = []

    def is_outside(url):
        return urlsplit(url).netloc not in ("", server)  # data: and blob: URLs have no host

    page.on("request", lambda request: made.append(request))
    page.route(is_outside, lambda route: route.abort())
    return lambda: [request.url for request in made if is_outside(request.url) and request.failure != "csp"]


def test_swagger_ui_renders_the_operations_from_the_platform_alone(page, outside_requests):
    page.goto(reverse("v1:swagger-ui"))

    # The page renders the whole schema in the browser: slow on a loaded 2-core machine.
    expect(page.get_by_role("heading", name="Bookstore platform API")).to_be_visible(timeout=20_000)
    expect(page.locator("#operations-tag-books")).to_be_visible()
    expect(page.locator("#operations-books-books_list")).to_contain_text("/api/v1/books/")
    page.wait_for_load_state("networkidle")
    assert outside_requests() == []


def test_swagger_ui_sends_the_authorized_jwt_with_try_it_out(page, live_server):
    BookFactory(title="Out of Print Edition", is_active=False)  # listed only for those who may change books
    manager = CatalogManagerFactory()
    # page.request runs outside Chromium, so it reaches the live server by its own name.
    token = page.request.post(
        live_server.url + reverse("v1:token-obtain"), data={"email": manager.email, "password": PASSWORD}
    )
    access = token.json()["data"]["access"]

    page.goto(reverse("v1:swagger-ui"))
    page.get_by_role("button", name="Authorize").first.click()
    jwt_auth = page.locator(".modal-ux .auth-container", has_text="jwtAuth")
    jwt_auth.get_by_role("textbox").fill(access)
    jwt_auth.get_by_role("button", name="Apply credentials").click()
    expect(jwt_auth).to_contain_text("Authorized")
    jwt_auth.get_by_role("button", name="Close").click()

    book_list = page.locator("#operations-books-books_list")
    book_list.locator(".opblock-summary").click()
    book_list.get_by_role("button", name="Try it out").click()
    with page.expect_request(lambda request: urlsplit(request.url).path == reverse("v1:book-list")) as sent:
        book_list.get_by_role("button", name="Execute").click()

    live_response = book_list.locator(".live-responses-table")
    expect(live_response.locator("tbody .response-col_status")).to_have_text("200")
    expect(live_response).to_contain_text("Out of Print Edition")
    assert sent.value.headers.get("authorization") == f"Bearer {access}"


def test_redoc_renders_the_api_from_the_platform_alone(page, outside_requests):
    page.goto(reverse("v1:redoc"))

    # The page renders the whole schema in the browser: slow on a loaded 2-core machine.
    expect(page.get_by_role("heading", name="Bookstore platform API")).to_be_visible(timeout=20_000)
    expect(page.get_by_role("heading", name="books_list")).to_be_visible()  # ReDoc titles operations by id
    page.wait_for_load_state("networkidle")
    assert outside_requests() == []
