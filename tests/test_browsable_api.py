"""The DRF browsable API in a browser: read the catalog as HTML, log in through a session, and as a catalog
manager create a book from the HTML form or the raw JSON form, with CSRF protection on."""

import html
import json
import re

import pytest
from django.test import Client
from django.urls import reverse

from catalog.models import Book
from orders.models import CartItem, Order
from orders.services import cart_add_item
from tests.envelope import data_of, error_of
from tests.factories import PASSWORD, AuthorFactory, BookFactory, CatalogManagerFactory, CustomerFactory, GenreFactory

VERSIONS = ["v1", "v2"]
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
# The two forms the browsable API shows those who may POST: the HTML form and the raw data (JSON) form.
HTML_POST_FORM = re.compile(r'<form action="[^"]*" method="POST" enctype="multipart/form-data"')
RAW_POST_FORM = re.compile(r'<textarea name="_content"')


# Fixtures and helpers ------------------------------------------------------------------------------------------


@pytest.fixture
def book(db):
    return BookFactory(title="The Dispossessed")


@pytest.fixture
def browser(db):
    """A browser: Django's test client with CSRF checks on, as in production."""
    return Client(enforce_csrf_checks=True)


@pytest.fixture
def log_in(browser):
    """`log_in(user)`: log in through the browsable API's login page; answers the browser."""

    def submit(user, password=PASSWORD):
        page = browser.get(reverse("rest_framework:login"))
        token = CSRF_FIELD.search(page.content.decode()).group(1)
        response = browser.post(
            reverse("rest_framework:login"),
            {
                "username": user.email,
                "password": password,
                "csrfmiddlewaretoken": token,
                "next": reverse("v1:book-list"),
            },
        )
        return browser, response

    return submit


@pytest.fixture
def manager_browser(log_in):
    browser, response = log_in(CatalogManagerFactory())
    assert response.status_code == 302
    return browser


@pytest.fixture
def new_book(db):
    """A valid book as the raw data form posts it (JSON)."""
    return {
        "title": "The Lathe of Heaven",
        "isbn": "9780140447927",
        "language": "en",
        "pages": 184,
        "format": "paperback",
        "publisher": BookFactory().publisher_id,
        "authors": [{"id": AuthorFactory(name="Ursula K. Le Guin").pk, "role": "author"}],
        "genres": [GenreFactory().pk],
        "price": "9.99",
        "currency": "EUR",
        "stock": 2,
        "is_active": True,
    }


def page_text(response):
    """The page as a reader sees it: HTML entities decoded."""
    return html.unescape(response.content.decode())


def csrf_cookie(browser):
    return browser.cookies["csrftoken"].value


# 1. Reading ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("version", VERSIONS)
def test_book_list_renders_as_html_with_the_envelope(client, book, version):
    response = client.get(reverse(f"{version}:book-list"), HTTP_ACCEPT="text/html")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    text = page_text(response)
    assert '"success": true' in text
    assert '"error": null' in text
    assert '"title": "The Dispossessed"' in text


@pytest.mark.parametrize("version", VERSIONS)
def test_book_detail_renders_as_html(client, book, version):
    response = client.get(reverse(f"{version}:book-detail", args=[book.pk]), HTTP_ACCEPT="text/html")

    assert response.status_code == 200
    assert '"title": "The Dispossessed"' in page_text(response)


def test_api_root_links_every_resource(client, db):
    response = client.get(reverse("v1:api-root"), HTTP_ACCEPT="text/html")

    assert response.status_code == 200
    text = page_text(response)
    for basename in ["book", "author", "publisher", "genre"]:
        assert reverse(f"v1:{basename}-list") in text


# 2. Logging in -------------------------------------------------------------------------------------------------


def test_login_page_renders_a_form_with_a_csrf_token(browser):
    response = browser.get(reverse("rest_framework:login"))

    assert response.status_code == 200
    text = response.content.decode()
    assert 'name="username"' in text
    assert 'name="password"' in text
    assert CSRF_FIELD.search(text)


def test_the_logged_in_user_is_shown_on_the_page(manager_browser):
    response = manager_browser.get(reverse("v1:book-list"), HTTP_ACCEPT="text/html")

    assert response.status_code == 200
    assert response.wsgi_request.user.is_authenticated
    assert response.wsgi_request.user.email in page_text(response)


def test_login_redirect_goes_to_next(log_in):
    _, response = log_in(CatalogManagerFactory())

    assert response.status_code == 302
    assert response["Location"] == reverse("v1:book-list")


def test_a_wrong_password_does_not_log_in(log_in):
    browser, response = log_in(CatalogManagerFactory(), password="not-the-password")

    assert response.status_code == 200
    assert "_auth_user_id" not in browser.session


def test_login_without_the_csrf_token_is_refused(browser):
    manager = CatalogManagerFactory()

    response = browser.post(reverse("rest_framework:login"), {"username": manager.email, "password": PASSWORD})

    assert response.status_code == 403
    assert "_auth_user_id" not in browser.session


# 3. The POST forms ---------------------------------------------------------------------------------------------


def test_a_logged_in_manager_sees_the_post_forms(manager_browser, book):
    response = manager_browser.get(reverse("v1:book-list"), HTTP_ACCEPT="text/html")

    text = response.content.decode()
    assert HTML_POST_FORM.search(text)
    assert RAW_POST_FORM.search(text)
    assert 'name="title"' in text


@pytest.mark.parametrize("role", ["anonymous", "customer"])
def test_readers_see_no_post_form(log_in, client, book, role):
    browser = client
    if role == "customer":
        browser, login = log_in(CustomerFactory())
        assert login.status_code == 302

    response = browser.get(reverse("v1:book-list"), HTTP_ACCEPT="text/html")

    assert response.status_code == 200
    text = response.content.decode()
    assert not HTML_POST_FORM.search(text)
    assert not RAW_POST_FORM.search(text)


# 4. Writing through the session --------------------------------------------------------------------------------


@pytest.mark.parametrize("version", VERSIONS)
def test_manager_creates_a_book_with_json_and_the_csrf_header(manager_browser, new_book, version):
    response = manager_browser.post(
        reverse(f"{version}:book-list"),
        json.dumps(new_book),
        content_type="application/json",
        HTTP_X_CSRFTOKEN=csrf_cookie(manager_browser),
    )

    assert data_of(response, 201)["title"] == "The Lathe of Heaven"
    assert Book.objects.filter(isbn="9780140447927").exists()


def test_a_session_write_without_the_csrf_header_is_refused(manager_browser, new_book):
    response = manager_browser.post(reverse("v1:book-list"), json.dumps(new_book), content_type="application/json")

    error_of(response, 403, "permission_denied")
    assert not Book.objects.filter(isbn="9780140447927").exists()


def test_manager_creates_a_book_from_the_html_form(manager_browser, new_book):
    form_page = manager_browser.get(reverse("v1:book-list"), HTTP_ACCEPT="text/html")
    token = CSRF_FIELD.search(form_page.content.decode()).group(1)
    # What the browser posts when the form is filled in: one value per input, the byline as JSON text.
    fields = {
        **{key: value for key, value in new_book.items() if key not in ("authors", "is_active")},
        "authors": json.dumps(new_book["authors"]),
        "is_active": "true",
        "csrfmiddlewaretoken": token,
    }

    response = manager_browser.post(reverse("v1:book-list"), fields, HTTP_ACCEPT="text/html")

    assert response.status_code == 201
    created = Book.objects.get(isbn="9780140447927")
    assert created.title == "The Lathe of Heaven"
    assert [credit.author_id for credit in created.credits.all()] == [new_book["authors"][0]["id"]]
    assert list(created.genres.values_list("pk", flat=True)) == new_book["genres"]


# 5. The cart's forms -------------------------------------------------------------------------------------------

HTML_FORM = re.compile(r'<form action="[^"]*" method="POST" enctype="multipart/form-data".*?</form>', re.S)


@pytest.mark.parametrize("version", VERSIONS)
def test_a_customer_fills_the_cart_from_the_html_form(log_in, book, version):
    """The cart's POST form asks for what a line needs (a book and a quantity); it was once empty, as it was
    built from the read-only representation of a line."""
    browser, _ = log_in(CustomerFactory())
    url = reverse(f"{version}:cart-item-list")
    form_page = browser.get(url, HTTP_ACCEPT="text/html")
    text = form_page.content.decode()
    assert form_page.status_code == 405  # the lines are read in the cart; this URL only takes new ones
    form = HTML_FORM.search(text).group()
    assert re.search(r'<select [^>]*name="book"', form)
    assert f'<option value="{book.pk}"' in form
    assert re.search(r'<input name="quantity"[^>]*type="number"', form)

    fields = {"book": book.pk, "quantity": 2, "csrfmiddlewaretoken": CSRF_FIELD.search(text).group(1)}
    response = browser.post(url, fields, HTTP_ACCEPT="text/html")

    assert response.status_code == 201
    assert list(CartItem.objects.values_list("book", "quantity")) == [(book.pk, 2)]
    # The page that answers shows the same form again, for the next book.
    assert re.search(r'<select [^>]*name="book"', HTML_FORM.search(response.content.decode()).group())


def test_a_cart_line_offers_only_its_quantity_to_patch(log_in, book):
    customer = CustomerFactory()
    browser, _ = log_in(customer)
    item, _ = cart_add_item(user=customer, book=book, quantity=1)

    page = browser.get(reverse("v1:cart-item-detail", args=[item.pk]), HTTP_ACCEPT="text/html")

    assert page.status_code == 200
    raw = re.search(r'<textarea name="_content"[^>]*>(.*?)</textarea>', page.content.decode(), re.S).group(1)
    assert json.loads(html.unescape(raw)) == {"quantity": 1}


# 6. Pages that take no credentials -----------------------------------------------------------------------------


@pytest.mark.parametrize("url_name", ["v1:register", "v2:token-obtain"])
def test_a_page_that_takes_no_credentials_still_shows_who_is_signed_in(log_in, url_name):
    """Registration and the token endpoints ignore the session, so DRF's user there is anonymous; the navbar
    once offered "Log in" right after logging in from such a page (the login returns to it)."""
    customer = CustomerFactory()
    browser, _ = log_in(customer)

    text = page_text(browser.get(reverse(url_name), HTTP_ACCEPT="text/html"))

    assert customer.email in text
    assert 'id="logoutForm"' in text
    assert reverse("rest_framework:login") not in text


def test_an_anonymous_visitor_is_offered_the_login(client, db):
    text = page_text(client.get(reverse("v1:register"), HTTP_ACCEPT="text/html"))

    assert reverse("rest_framework:login") in text
    assert 'id="logoutForm"' not in text


# 7. Checkout from the browsable API ------------------------------------------------------------------------------


def test_the_orders_html_form_is_answered_with_the_missing_idempotency_key(log_in, book):
    """The browsable API's forms send no headers: its checkout form is refused for the missing Idempotency-Key
    (README: check out with fetch() from the console), not for its own fields, which it once was."""
    customer = CustomerFactory()
    browser, _ = log_in(customer)
    cart_add_item(user=customer, book=book, quantity=1)
    form_page = browser.get(reverse("v1:order-list"), HTTP_ACCEPT="text/html")
    form = HTML_FORM.search(form_page.content.decode()).group()
    names = set(re.findall(r'name="([^"]+)"', form))
    assert names == {"csrfmiddlewaretoken"} | {
        f"shipping_address.{key}" for key in ["name", "line1", "line2", "city", "postal_code", "country"]
    }
    fields = {
        "shipping_address.name": "Bea Smith",
        "shipping_address.line1": "1 High Street",
        "shipping_address.line2": "",
        "shipping_address.city": "Oxford",
        "shipping_address.postal_code": "OX1 1AA",
        "shipping_address.country": "GB",
        "csrfmiddlewaretoken": CSRF_FIELD.search(form_page.content.decode()).group(1),
    }

    response = browser.post(reverse("v1:order-list"), fields, HTTP_ACCEPT="application/json")

    error_of(response, 400, "idempotency_key_required")
    assert not Order.objects.exists()


IDEMPOTENCY_SCRIPT = '<script src="/static/orders/idempotency-key.js" data-header="Idempotency-Key"></script>'


def test_only_the_checkout_page_loads_the_script_that_sends_the_idempotency_key(log_in, book):
    customer = CustomerFactory()
    browser, _ = log_in(customer)
    cart_add_item(user=customer, book=book, quantity=1)
    orders_page = page_text(browser.get(reverse("v2:order-list"), HTTP_ACCEPT="text/html"))
    assert IDEMPOTENCY_SCRIPT in orders_page

    answer = browser.post(
        reverse("v1:order-list"),
        {"shipping_address": {"name": "A", "line1": "B", "city": "C", "postal_code": "D", "country": "GB"}},
        content_type="application/json",
        HTTP_ACCEPT="text/html",
        HTTP_IDEMPOTENCY_KEY="key-1",
        HTTP_X_CSRFTOKEN=csrf_cookie(browser),
    )
    assert answer.status_code == 201
    # Under the answer, the checkout form again (with the address), for the script to complete.
    form = HTML_FORM.search(answer.content.decode()).group()
    assert 'name="shipping_address.city"' in form
    assert IDEMPOTENCY_SCRIPT in page_text(answer)

    order = Order.objects.get()
    for url in [reverse("v1:order-detail", args=[order.pk]), reverse("v1:order-cancel", args=[order.pk])]:
        assert IDEMPOTENCY_SCRIPT not in page_text(browser.get(url, HTTP_ACCEPT="text/html"))
    assert IDEMPOTENCY_SCRIPT not in page_text(browser.get(reverse("v1:cart-item-list"), HTTP_ACCEPT="text/html"))
