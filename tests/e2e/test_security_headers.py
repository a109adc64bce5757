"""Every page works under the platform's Content-Security-Policy: a browser reports no violation on the admin,
the browsable API (with its forms), Swagger UI and ReDoc."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.factories import BookFactory, SuperuserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def csp_violations(page):
    """What the browser refused under the policy, as it reports it on the console."""
    refused = []

    def record(message):
        if "Content Security Policy" in message.text:
            refused.append(f"{page.url}: {message.text[:120]}")

    page.on("console", record)
    return refused


# ReDoc's script draws its logo from cdn.redoc.ly, which no setting turns off: the policy refusing it is the
# policy working (the page references no outside host; see test_docs.py).
OUTSIDE_HOSTS_REFUSED_BY_DESIGN = ("https://cdn.redoc.ly/",)


def test_pages_work_under_the_content_security_policy(page, log_in, csp_violations):
    book = BookFactory(title="Nineteen Eighty-Four")
    log_in(reverse("admin:login"), SuperuserFactory())

    page.goto(reverse("admin:catalog_book_change", args=[book.pk]))
    expect(page.locator("#id_title")).to_have_value("Nineteen Eighty-Four")
    page.goto(reverse("v1:book-detail", args=[book.pk]))
    expect(page.locator("#logoutForm button[type=submit]")).to_have_text("Log out")
    expect(page.locator("#put-object-form")).to_be_attached()  # the browsable API's edit form, for a superuser
    page.goto(reverse("v2:swagger-ui"))
    expect(page.locator("#operations-tag-books")).to_be_visible(timeout=20_000)
    page.goto(reverse("v2:redoc"))
    expect(page.get_by_role("heading", name="Bookstore platform API")).to_be_visible(timeout=20_000)

    assert [text for text in csp_violations if not any(host in text for host in OUTSIDE_HOSTS_REFUSED_BY_DESIGN)] == []
