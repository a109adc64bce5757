"""Order managers work the lifecycle in the admin: the list with its filters, and actions that call the services."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from orders.models import Order
from orders.services import cart_add_item, order_place
from tests.factories import OrderManagerFactory, SuperuserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def browser():
    browser = Client()
    browser.force_login(OrderManagerFactory())
    return browser


@pytest.fixture
def order(customer, book, address):
    cart_add_item(user=customer, book=book, quantity=1)
    return order_place(user=customer, shipping_address=address)


def test_an_order_manager_lists_and_filters_orders(browser, order, customer):
    response = browser.get(reverse("admin:orders_order_changelist"), {"status__exact": "pending_payment"})

    assert response.status_code == 200
    assert order.number in response.text
    assert browser.get(reverse("admin:orders_order_changelist"), {"user__id__exact": customer.pk}).status_code == 200
    assert order.number not in browser.get(reverse("admin:orders_order_changelist"), {"status__exact": "paid"}).text


def test_the_ship_action_moves_a_paid_order_and_records_who(browser, order):
    Order.objects.filter(pk=order.pk).update(status=Order.Status.PAID)

    response = browser.post(
        reverse("admin:orders_order_changelist"), {"action": "order_ship", "_selected_action": [order.pk]}, follow=True
    )

    assert response.status_code == 200
    order.refresh_from_db()
    assert order.status == "shipped"
    assert order.history.last().by.is_staff


def test_an_invalid_move_is_reported_and_changes_nothing(browser, order):
    response = browser.post(
        reverse("admin:orders_order_changelist"), {"action": "order_ship", "_selected_action": [order.pk]}, follow=True
    )

    assert "cannot make this move" in response.text
    assert Order.objects.get().status == "pending_payment"


def test_the_order_page_opens(browser, order):
    assert browser.get(reverse("admin:orders_order_change", args=[order.pk])).status_code == 200


def admin_links(page):
    return set(re.findall(r'href="(/admin/[^"]*)"', page.text))


def test_the_order_page_links_only_to_pages_the_order_manager_may_open(browser, order, customer, book):
    order_manager_page = browser.get(reverse("admin:orders_order_change", args=[order.pk]))

    # The customer, the books and who made each change are shown, as text: their admin pages are a 403 for
    # an order manager, and the page once linked them anyway.
    for forbidden in [
        reverse("admin:accounts_user_change", args=[customer.pk]),
        reverse("admin:catalog_book_change", args=[book.pk]),
    ]:
        assert forbidden not in admin_links(order_manager_page)
        assert browser.get(forbidden).status_code == 403
    assert customer.email in order_manager_page.text
    assert book.title in order_manager_page.text
    assert all(
        browser.get(link).status_code == 200 for link in admin_links(order_manager_page) if "/logout/" not in link
    )

    superuser = Client()
    superuser.force_login(SuperuserFactory())
    superuser_page = superuser.get(reverse("admin:orders_order_change", args=[order.pk]))
    assert reverse("admin:accounts_user_change", args=[customer.pk]) in admin_links(superuser_page)
    assert reverse("admin:catalog_book_change", args=[book.pk]) in admin_links(superuser_page)


def test_the_order_page_offers_no_save_button(browser, order):
    page = browser.get(reverse("admin:orders_order_change", args=[order.pk]))

    assert page.status_code == 200
    assert 'name="_save"' not in page.text
    assert 'name="_continue"' not in page.text
