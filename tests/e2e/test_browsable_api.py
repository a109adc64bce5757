"""DRF's browsable API in a browser: log in, page through the books, open one, create one with the HTML form."""

import json
import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from catalog.models import Book
from tests.factories import (
    PASSWORD,
    AuthorFactory,
    BookFactory,
    CatalogManagerFactory,
    CustomerFactory,
    GenreFactory,
    PublisherFactory,
)

# The live server answers from its own thread: what a test creates must be committed to be seen there.
pytestmark = pytest.mark.django_db(transaction=True)


def api_login_url(next_url):
    return f"{reverse('rest_framework:login')}?next={next_url}"


def test_signed_in_user_pages_through_the_books_and_opens_one(page, log_in):
    BookFactory.create_batch(20)  # "Book 0000" ... : a full first page
    wuthering = BookFactory(title="Wuthering Heights", authors=[AuthorFactory(name="Emily Brontë")])
    reader = CustomerFactory()

    log_in(api_login_url(reverse("v1:book-list")), reader)

    expect(page.get_by_role("heading", name="Books", exact=True)).to_be_visible()
    expect(page.locator(".navbar")).to_contain_text(reader.email)
    expect(page.locator(".response-info")).to_contain_text("HTTP 200 OK")
    expect(page.locator(".response-info")).not_to_contain_text("Wuthering Heights")

    # v1 books carry ids, not URLs, so the list links to its next page but not to each book.
    page.locator(".response-info").get_by_role("link", name="offset=20").click()
    expect(page.locator(".response-info")).to_contain_text('"title": "Wuthering Heights"')

    page.goto(reverse("v1:book-detail", args=[wuthering.pk]))
    expect(page.get_by_role("heading", name="Book", exact=True)).to_be_visible()
    expect(page.locator(".response-info")).to_contain_text('"isbn": "' + wuthering.isbn + '"')

    page.locator(".breadcrumb").get_by_role("link", name="Books", exact=True).click()
    expect(page.get_by_role("heading", name="Books", exact=True)).to_be_visible()


def test_logging_in_from_a_page_read_anonymously_shows_the_signed_in_page(page):
    BookFactory(title="The Left Hand of Darkness")
    manager = CatalogManagerFactory()
    page.goto(reverse("v1:book-list"))  # read anonymously first: the browser keeps this page and its validators
    expect(page.locator(".navbar")).to_contain_text("Log in")
    expect(page.locator("#post-object-form")).to_have_count(0)

    page.locator(".navbar").get_by_role("link", name="Log in").click()
    page.locator("#id_username").fill(manager.email)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    # Back on the same URL right after the redirect, with no reload: the signed-in page, not the cached one.
    expect(page).to_have_url(re.compile(re.escape(reverse("v1:book-list")) + "$"))
    expect(page.locator(".navbar")).to_contain_text(manager.email)
    expect(page.locator("#post-object-form")).to_have_count(1)
    expect(page.get_by_role("link", name="HTML form")).to_be_visible()


def test_catalog_manager_creates_a_book_with_the_html_form(page, log_in):
    publisher = PublisherFactory(name="Secker & Warburg")
    author = AuthorFactory(name="George Orwell")
    genre = GenreFactory(name="Political satire")

    log_in(api_login_url(reverse("v1:book-list")), CatalogManagerFactory())
    page.get_by_role("link", name="HTML form").click()
    form = page.locator("#post-object-form")
    form.locator("[name=title]").fill("Animal Farm")
    form.locator("[name=isbn]").fill("978-0-306-40615-7")
    form.locator("[name=pages]").fill("112")
    form.locator("[name=price]").fill("7.99")
    form.locator("[name=publisher]").select_option(label=publisher.name)
    form.locator("[name=authors]").fill(json.dumps([{"id": author.pk, "role": "author"}]))
    form.locator("[name=genres]").select_option(label=genre.name)
    # Left as the form shows it: ticked, as a JSON client that leaves is_active out gets an active book.
    expect(form.locator("input[type=checkbox][name=is_active]")).to_be_checked()
    form.get_by_role("button", name="POST").click()

    expect(page.locator(".response-info")).to_contain_text("HTTP 201 Created")
    expect(page.locator(".response-info")).to_contain_text('"title": "Animal Farm"')
    expect(page.locator(".response-info")).to_contain_text('"is_active": true')
    book = Book.objects.get(isbn="9780306406157")
    assert (book.title, book.publisher, list(book.authors.all()), list(book.genres.all()), book.is_active) == (
        "Animal Farm",
        publisher,
        [author],
        [genre],
        True,
    )


def test_catalog_manager_deactivates_a_book_by_unticking_the_box(page, log_in):
    book = BookFactory(title="Homage to Catalonia", is_active=True)

    log_in(api_login_url(reverse("v1:book-detail", args=[book.pk])), CatalogManagerFactory())
    page.get_by_role("link", name="HTML form").click()
    form = page.locator("#put-object-form")
    checkbox = form.locator("input[type=checkbox][name=is_active]")
    expect(checkbox).to_be_checked()
    checkbox.uncheck()
    form.get_by_role("button", name="PUT").click()

    expect(page.locator(".response-info")).to_contain_text("HTTP 200 OK")
    expect(page.locator(".response-info")).to_contain_text('"is_active": false')
    book.refresh_from_db()
    assert (book.title, book.is_active) == ("Homage to Catalonia", False)
