"""Swagger UI and ReDoc in a browser: they render the operations from the platform alone, and Swagger UI's
"Try it out" sends the JWT given to "Authorize"."""

import re
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.factories import PASSWORD, CustomerFactory

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


@pytest.mark.parametrize("version", ["v1", "v2"])
def test_swagger_ui_sends_the_authorized_jwt_with_try_it_out(page, live_server, version):
    customer = CustomerFactory()
    # page.request runs outside Chromium, so it reaches the live server by its own name.
    token = page.request.post(
        live_server.url + reverse(f"{version}:token-obtain"), data={"email": customer.email, "password": PASSWORD}
    )
    access = token.json()["data"]["access"]

    page.goto(reverse(f"{version}:swagger-ui"))
    page.get_by_role("button", name="Authorize").first.click()
    # The Bearer scheme comes first: what a newcomer pastes into the first box is sent as a JWT.
    expect(page.locator(".modal-ux .auth-container").first).to_contain_text("jwtAuth")
    jwt_auth = page.locator(".modal-ux .auth-container", has_text="jwtAuth")
    jwt_auth.get_by_role("textbox").fill(access)
    jwt_auth.get_by_role("button", name="Apply credentials").click()
    expect(jwt_auth).to_contain_text("Authorized")
    jwt_auth.get_by_role("button", name="Close").click()

    me = page.locator("#operations-users-users_me_retrieve")
    me.locator(".opblock-summary").click()
    me.get_by_role("button", name="Try it out").click()
    with page.expect_request(lambda request: urlsplit(request.url).path == reverse(f"{version}:me")) as sent:
        me.get_by_role("button", name="Execute").click()

    live_response = me.locator(".live-responses-table")
    expect(live_response.locator("tbody .response-col_status")).to_have_text("200")
    expect(live_response).to_contain_text(customer.email)
    assert sent.value.headers.get("authorization") == f"Bearer {access}"


def test_redoc_renders_the_api_from_the_platform_alone(page, outside_requests):
    page.goto(reverse("v1:redoc"))

    # ReDoc lays out the whole schema in the browser before it shows anything: seconds on a busy machine.
    expect(page.get_by_role("heading", name="Bookstore platform API")).to_be_visible(timeout=20_000)
    # Operations are titled by their summaries, not their ids (`books_list`); the name starts with the anchor.
    expect(page.get_by_role("heading", name=re.compile(r" List books$"))).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile(r" books_list$"))).to_have_count(0)
    page.wait_for_load_state("networkidle")
    assert outside_requests() == []
