"""The scheduled commands (README, "Scheduled work") are safe when cron starts them on every machine at once: each is
run here in several processes released together against one PostgreSQL database."""

import subprocess
import sys
import time
import uuid
from collections import Counter
from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.db.models import Count, Q
from django.utils import timezone
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from catalog.models import Book
from orders.models import Order
from orders.services import cart_add_item, order_place
from tests.concurrency import concurrency_marks
from tests.factories import BookFactory, CustomerFactory
from tests.shopping import ADDRESS

PROCESSES = 3

pytestmark = concurrency_marks("processes sharing one database with row locks")

# Each process sets Django up, then waits for the same instant to run the command, so that they overlap.
RUN_AT = """
import sys, time
import django
django.setup()
from django.core.management import call_command
start_at = float(sys.argv[1])
time.sleep(max(0, start_at - time.time()))
call_command(*sys.argv[2:])
"""


def run_at_once(*command):
    """Run `manage.py <command>` in PROCESSES processes at once against the test database; their outputs."""
    db = connection.settings_dict
    url = f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    env = {"DJANGO_SETTINGS_MODULE": "bookstore.settings.test", "DATABASE_URL": url, "PATH": "/usr/bin:/bin"}
    start_at = str(time.time() + 3)
    processes = [
        subprocess.Popen(  # noqa: S603 - this interpreter, fixed arguments
            [sys.executable, "-c", RUN_AT, start_at, *command],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(PROCESSES)
    ]
    outputs = [process.communicate(timeout=60) for process in processes]
    assert [process.returncode for process in processes] == [0] * PROCESSES, outputs
    return [stdout for stdout, _ in outputs]


def test_expire_orders_on_every_machine_at_once_cancels_each_order_and_restores_its_stock_once():
    books = [BookFactory(stock=100) for _ in range(3)]
    for index in range(30):
        customer = CustomerFactory()
        cart_add_item(user=customer, book=books[index % 3], quantity=1)
        cart_add_item(user=customer, book=books[(index + 1) % 3], quantity=2)
        order_place(user=customer, shipping_address=ADDRESS)
    Order.objects.update(created_at=timezone.now() - timedelta(hours=1))
    assert sorted(Book.objects.values_list("stock", flat=True)) == [70, 70, 70]

    outputs = run_at_once("expire_orders", "--batch-size", "1")

    cancelled = [int(output.split()[1]) for output in outputs]  # "Cancelled N unpaid order(s); ..."
    print("orders cancelled by each process:", cancelled)
    assert sum(cancelled) == 30, outputs
    # They did run at once: more than one process found orders to cancel (the others' rows were skipped).
    assert sum(1 for count in cancelled if count) >= 2, outputs
    assert sorted(Book.objects.values_list("stock", flat=True)) == [100, 100, 100]
    per_order = Order.objects.annotate(cancellations=Count("history", filter=Q(history__status="cancelled")))
    assert Counter(per_order.values_list("status", "cancellations")) == {("cancelled", 1): 30}


def test_flushexpiredtokens_on_every_machine_at_once_deletes_the_expired_tokens_once():
    user = CustomerFactory()
    now = timezone.now()

    def tokens(count, expires_at):
        return OutstandingToken.objects.bulk_create(
            OutstandingToken(user=user, jti=uuid.uuid4().hex, token="t", created_at=now, expires_at=expires_at)
            for _ in range(count)
        )

    expired = tokens(300, now - timedelta(hours=1))
    alive = tokens(20, now + timedelta(hours=1))
    BlacklistedToken.objects.bulk_create(BlacklistedToken(token=token) for token in expired[:100] + alive[:5])

    run_at_once("flushexpiredtokens")

    assert set(OutstandingToken.objects.values_list("pk", flat=True)) == {token.pk for token in alive}
    assert BlacklistedToken.objects.count() == 5
