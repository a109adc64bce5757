"""The admin in a browser: staff log in, find and edit books; bad input is refused; roles limit what is shown."""

from decimal import Decimal

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from catalog.models import Book
from tests.factories import AuthorFactory, BookFactory, CatalogManagerFactory, SuperuserFactory

# The live server answers from its own thread: what a test creates must be committed to be seen there.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def nineteen_eighty_four():
    return BookFactory(
        title="Nineteen Eighty-Four",
        isbn="9780451524935",
        authors=[AuthorFactory(name="George Orwell", sort_name="Orwell, George")],
        price="9.99",
        stock=25,
    )


def test_superuser_finds_a_book_by_its_author_and_changes_price_and_stock(
    page, log_in, live_server, nineteen_eighty_four
):
    BookFactory(title="Pride and Prejudice", authors=[AuthorFactory(name="Jane Austen")])

    log_in(reverse("admin:login"), SuperuserFactory())
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()

    page.get_by_role("link", name="Books").first.click()
    page.locator("#searchbar").fill("Orwell")
    page.get_by_role("button", name="Search").click()
    results = page.locator("#result_list")
    expect(results).to_contain_text("George Orwell")
    expect(results).not_to_contain_text("Pride and Prejudice")

    results.get_by_role("link", name="Nineteen Eighty-Four").click()
    page.get_by_label("Price:", exact=True).fill("12.50")
    page.get_by_label("Stock:", exact=True).fill("3")
    page.get_by_role("button", name="Save", exact=True).click()

    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    detail = page.request.get(live_server.url + reverse("v1:book-detail", args=[nineteen_eighty_four.pk]))
    assert detail.status == 200
    assert (detail.json()["data"]["price"], detail.json()["data"]["stock"]) == ("12.50", 3)


@pytest.mark.parametrize(
    ("label", "value", "error"),
    [
        ("ISBN:", "9780451524936", "is not a valid ISBN-13: its check digit is wrong."),
        ("Title:", "X", "Ensure this value has at least 2 characters (it has 1)."),
    ],
)
def test_invalid_book_input_shows_the_error_and_saves_nothing(page, log_in, nineteen_eighty_four, label, value, error):
    log_in(reverse("admin:login"), SuperuserFactory())
    page.goto(reverse("admin:catalog_book_change", args=[nineteen_eighty_four.pk]))

    page.get_by_label(label, exact=True).fill(value)
    page.get_by_label("Stock:", exact=True).fill("0")
    page.get_by_role("button", name="Save", exact=True).click()

    expect(page.locator(".errornote")).to_contain_text("Please correct the error below.")
    expect(page.locator(".errorlist")).to_contain_text(error)
    nineteen_eighty_four.refresh_from_db()
    assert (nineteen_eighty_four.title, nineteen_eighty_four.isbn, nineteen_eighty_four.stock) == (
        "Nineteen Eighty-Four",
        "9780451524935",
        25,
    )


def test_catalog_manager_edits_the_catalog_and_sees_no_users(page, log_in, nineteen_eighty_four):
    log_in(reverse("admin:login"), CatalogManagerFactory())

    catalog = page.locator("#content-main .app-catalog")
    for model in ["Authors", "Books", "Genres", "Publishers"]:
        expect(catalog.get_by_role("link", name=model, exact=True)).to_be_visible()
    expect(page.locator("#content-main")).not_to_contain_text("Accounts")
    expect(page.locator("#content-main")).not_to_contain_text("Users")

    catalog.get_by_role("link", name="Books", exact=True).click()
    page.get_by_role("link", name="Nineteen Eighty-Four").click()
    page.get_by_label("Price:", exact=True).fill("8.00")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    assert Book.objects.get(pk=nineteen_eighty_four.pk).price == Decimal("8.00")

    refused = page.goto(reverse("admin:accounts_user_changelist"))
    assert refused.status == 403
    expect(page.get_by_role("heading", name="403 Forbidden")).to_be_visible()
