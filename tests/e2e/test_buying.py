"""Buying books in a browser, as README's "Buying a book" walks it: a customer registers and logs in to the
browsable API, fills the cart from its HTML form, checks out, pays on the fake provider's page and sees the
order paid; an order manager then ships it in the admin, and the customer sees it shipped with its history.

Checkout needs an `Idempotency-Key` header, which a form cannot send: on the orders page a script of the
platform's adds a key input to the POST forms and sends it as the header. The test checks out with the HTML
form, is refused with the key emptied, and retries with the same key from the raw data form and with
`fetch()` from the page (the README's console snippet, run as written but for the key), getting the first
answer each time. Every other step is a click on a form, a button or a link the pages show."""

import json
import re
import textwrap
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import expect

from catalog.models import Book
from orders.models import CartItem, Order
from payments.models import Payment
from tests.factories import PASSWORD, BookFactory, OrderManagerFactory

pytestmark = pytest.mark.django_db(transaction=True)

ADDRESS = {
    "name": "Bea Smith",
    "line1": "1 High Street",
    "city": "Oxford",
    "postal_code": "OX1 1AA",
    "country": "GB",
}

# What a developer types in the browser's console on an API page: the browsable API keeps its CSRF token
# in window.drf (a session-authenticated write needs it), and fetch() can send the Idempotency-Key header.
CHECKOUT = """async ({key, address}) => {
    const answer = await fetch("/api/v1/orders/", {
        method: "POST",
        headers: {
            "Accept": "application/json",
            "Content-Type": "application/json",
            "Idempotency-Key": key,
            [window.drf.csrfHeaderName]: window.drf.csrfToken,
        },
        body: JSON.stringify({shipping_address: address}),
    });
    return {status: answer.status, location: answer.headers.get("Location"), body: await answer.json()};
}"""


def readme_checkout():
    """The checkout that README's "In a browser" steps type in the console (its one ```js block), as a function
    for page.evaluate: it answers the order's envelope."""
    readme = (Path(settings.BASE_DIR) / "README.md").read_text(encoding="utf-8")
    (block,) = re.findall(r"```js\n(.*?)```", readme, re.S)
    return "async () => " + textwrap.dedent(block).strip()


README_KEY = "my-first-order"  # the Idempotency-Key the README's checkout sends

READ_JSON = """async (url) => {
    const answer = await fetch(url, {headers: {"Accept": "application/json"}});
    return {status: answer.status, body: await answer.json()};
}"""


@pytest.fixture
def problems():
    """What the browser reports going wrong on any page watched with `watch(page)`: a refusal under the
    Content-Security-Policy, or an uncaught script error."""
    seen = []

    def watch(page):
        page.on(
            "console",
            lambda message: (
                seen.append(f"{page.url}: {message.text}") if "Content Security Policy" in message.text else None
            ),
        )
        page.on("pageerror", lambda error: seen.append(f"{page.url}: {error}"))
        return page

    watch.seen = seen
    return watch


def response_info(page):
    return page.locator(".response-info")


def link_in_answer(page, path):
    """The link the browsable API makes of a URL in the answer shown, by the path it ends with."""
    return response_info(page).locator(f'a[href$="{path}"]')


def register_and_log_in(page, email, password):
    """Register with the browsable API's form, then log in with its login page (a session)."""
    page.goto(reverse("v1:api-root"))
    link_in_answer(page, reverse("v1:register")).click()
    form = page.locator("#post-object-form")
    form.locator("[name=email]").fill(email)
    form.locator("[name=password]").fill(password)
    form.locator("[name=first_name]").fill("Bea")
    form.get_by_role("button", name="POST").click()
    expect(response_info(page)).to_contain_text("HTTP 201 Created")
    expect(response_info(page)).to_contain_text('"customers"')

    page.locator(".navbar").get_by_role("link", name="Log in").click()
    page.locator("#id_username").fill(email)
    page.locator("#id_password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator(".navbar")).to_contain_text(email)


def add_to_cart(page, title, quantity):
    """Add copies of a book with the HTML form of the cart's lines."""
    form = page.locator("#post-object-form")
    form.locator("select[name=book]").select_option(label=title)
    form.locator("[name=quantity]").fill(str(quantity))
    form.get_by_role("button", name="POST").click()
    expect(response_info(page)).to_contain_text("HTTP 201 Created")
    expect(response_info(page)).to_contain_text(f'"title": "{title}"')


def fill_address(form):
    for field, value in ADDRESS.items():
        form.locator(f"[name='shipping_address.{field}']").fill(value)


def test_a_customer_buys_two_books_pays_and_an_order_manager_ships_them(page, new_context, problems):
    middlemarch = BookFactory(title="Middlemarch", price="12.50", stock=10)
    emma = BookFactory(title="Emma", price="8.00", stock=4)
    manager = OrderManagerFactory()
    problems(page)

    # 1. Register and log in; from the API root to the cart's lines; two books in the cart.
    register_and_log_in(page, "bea@example.com", "a-long-pass-phrase")
    page.goto(reverse("v1:api-root"))
    link_in_answer(page, reverse("v1:cart-item-list")).click()
    page.get_by_role("link", name="HTML form").click()
    add_to_cart(page, "Middlemarch", 2)
    add_to_cart(page, "Emma", 1)

    page.locator(".breadcrumb").get_by_role("link", name="Cart", exact=True).click()
    cart = response_info(page)
    expect(cart).to_contain_text('"item_count": 3')
    expect(cart).to_contain_text('"total": "33.00"')
    expect(cart).to_contain_text('"currency": "EUR"')

    # 2. Check out with the orders page's HTML form. Its Idempotency-Key input comes filled with a fresh key (the
    # platform's script sends it as the header, which a form cannot); emptied, the POST is refused.
    page.locator(".breadcrumb").get_by_role("link", name="Bookstore API").click()
    link_in_answer(page, reverse("v1:order-list")).click()
    expect(page.get_by_role("heading", name="Orders", exact=True)).to_be_visible()
    form = page.locator("#post-object-form")
    key = form.get_by_label("Idempotency-Key").input_value()
    assert re.fullmatch(r"[0-9a-f]{32}", key)
    fill_address(form)
    form.get_by_label("Idempotency-Key").fill("")
    form.get_by_role("button", name="POST").click()
    expect(response_info(page)).to_contain_text("HTTP 400 Bad Request")
    expect(response_info(page)).to_contain_text('"code": "idempotency_key_required"')
    assert not Order.objects.exists()

    form = page.locator("#post-object-form")
    fill_address(form)
    form.get_by_label("Idempotency-Key").fill(key)
    form.get_by_role("button", name="POST").click()
    expect(response_info(page)).to_contain_text("HTTP 201 Created")
    expect(response_info(page)).to_contain_text('"status": "pending_payment"')
    order = Order.objects.get()
    expect(response_info(page)).to_contain_text(f'"number": "{order.number}"')
    assert order.shipping_address == {**ADDRESS, "line2": ""}
    assert not CartItem.objects.exists()
    assert [Book.objects.get(pk=book.pk).stock for book in (middlemarch, emma)] == [8, 3]

    # The same checkout again with that key (a retry after a timeout, say), from the raw data form and from the
    # console as the README types it: the first answer each time, and still one order.
    page.get_by_role("link", name="Raw data").click()
    raw = page.locator("#post-generic-content-form")
    raw.get_by_label("Idempotency-Key").fill(key)
    raw.locator("textarea[name=_content]").fill(json.dumps({"shipping_address": ADDRESS}))
    raw.get_by_role("button", name="POST").click()
    expect(response_info(page)).to_contain_text("HTTP 201 Created")
    expect(response_info(page)).to_contain_text(f'"number": "{order.number}"')
    retried = page.evaluate(CHECKOUT, {"key": key, "address": ADDRESS})
    assert retried["status"] == 201
    assert retried["body"]["data"]["id"] == str(order.pk)
    assert retried["location"].endswith(reverse("v1:order-detail", args=[order.pk]))
    assert page.evaluate(readme_checkout().replace(README_KEY, key)) == retried["body"]
    assert Order.objects.count() == 1

    page.goto(retried["location"])
    expect(response_info(page)).to_contain_text('"status": "pending_payment"')
    expect(response_info(page)).to_contain_text('"total": "33.00"')

    # 3. Pay: start a payment with its page's POST button, follow redirect_url, press "Pay".
    page.goto(reverse("v1:order-payment", args=[order.pk]))
    expect(response_info(page)).to_contain_text("HTTP 404 Not Found")  # no payment started yet
    page.get_by_role("link", name="HTML form").click()  # the browsable API remembers the last tab: Raw data
    page.locator("#post-object-form").get_by_role("button", name="POST").click()
    expect(response_info(page)).to_contain_text("HTTP 201 Created")
    expect(response_info(page)).to_contain_text('"status": "pending"')
    payment = Payment.objects.get()
    link_in_answer(page, reverse("fake-payment-page", args=[payment.pk])).click()

    expect(page.get_by_role("heading", name="Fake payment provider")).to_be_visible()
    expect(page.locator("body")).to_contain_text(f"Order {order.number}: 33.00 EUR")
    expect(page.locator("#status")).to_have_text("pending")
    page.get_by_role("button", name="Pay").click()
    expect(page.locator("#status")).to_have_text("succeeded")
    expect(page.get_by_role("button", name="Pay")).to_have_count(0)

    page.get_by_role("link", name=f"Back to order {order.number}").click()
    expect(page).to_have_url(re.compile(re.escape(reverse("v2:order-detail", args=[order.pk])) + "$"))
    expect(response_info(page)).to_contain_text('"status": "paid"')
    expect(response_info(page)).to_contain_text('"payment_status": "succeeded"')
    order.refresh_from_db()
    payment.refresh_from_db()
    assert (order.status, order.payment_status, payment.status) == ("paid", "succeeded", "succeeded")
    assert (payment.amount, payment.currency) == (Decimal("33.00"), "EUR")

    # 4. An order manager, in a browser of their own, ships the paid order with the admin's action.
    admin = problems(new_context().new_page())
    admin.goto(reverse("admin:login"))
    admin.locator("#id_username").fill(manager.email)
    admin.locator("#id_password").fill(PASSWORD)
    admin.get_by_role("button", name="Log in").click()
    admin.locator("#content-main .model-order").get_by_role("link", name="Orders", exact=True).click()
    admin.locator("#changelist-filter").get_by_role("link", name="Paid", exact=True).first.click()
    row = admin.locator("#result_list tbody tr", has_text=order.number)
    expect(row).to_contain_text("bea@example.com")
    row.locator("input.action-select").check()
    admin.locator("select[name=action]").select_option(label="Ship")
    admin.get_by_role("button", name="Go").click()

    expect(admin.locator(".messagelist")).to_contain_text("1 order(s): ship.")
    expect(admin.locator("#content")).not_to_contain_text(order.number)  # no longer among the paid orders
    admin.locator("#changelist-filter").get_by_role("link", name="Shipped", exact=True).click()
    expect(admin.locator("#result_list tbody tr", has_text=order.number)).to_contain_text("Shipped")
    admin.get_by_role("link", name=order.number).click()
    expect(admin.locator(".field-status .readonly")).to_have_text("Shipped")
    history = admin.locator(".inline-group", has_text="Order status changes")
    expect(history.locator("tbody tr.has_original")).to_have_count(3)
    expect(history.locator("tbody tr.has_original").last).to_contain_text(manager.email)
    expect(admin.get_by_role("button", name="Save", exact=True)).to_have_count(0)
    order.refresh_from_db()
    assert order.status == "shipped"
    assert list(order.history.values_list("status", "by")) == [
        ("pending_payment", order.user_id),
        ("paid", None),
        ("shipped", manager.pk),
    ]

    # 5. The customer's API shows the order shipped, with the manager's step last in its history.
    page.goto(reverse("v1:order-detail", args=[order.pk]))
    expect(response_info(page)).to_contain_text('"status": "shipped"')
    answer = page.evaluate(READ_JSON, reverse("v1:order-detail", args=[order.pk]))
    assert answer["status"] == 200
    data = answer["body"]["data"]
    assert (data["status"], data["payment_status"]) == ("shipped", "succeeded")
    assert [(step["status"], step["by"]) for step in data["history"]] == [
        ("pending_payment", order.user_id),
        ("paid", None),
        ("shipped", manager.pk),
    ]
    assert [(line["title"], line["quantity"], line["line_total"]) for line in data["lines"]] == [
        ("Middlemarch", 2, "25.00"),
        ("Emma", 1, "8.00"),
    ]
    assert problems.seen == []
