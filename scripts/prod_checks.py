"""The client side of scripts/replica_check.sh, outage_check.sh and scaleout_check.sh: traffic against gunicorn
under production settings, and what it measured. The shell scripts start the PostgreSQL clusters and the servers;
this script sets up its data through the ORM (the same environment as the app), sends the requests, and exits
non-zero when a figure is not what it must be.

    python scripts/prod_checks.py replica --app http://127.0.0.1:8761 --primary-port 5450 --replica-port 5451 ...
"""

import argparse
import os
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

# As the proxy in front of gunicorn says for an HTTPS request (production redirects plain HTTP).
HEADERS = {"X-Forwarded-Proto": "https"}
FAILURES = []


def check(condition, message):
    print(f"  {'ok  ' if condition else 'FAIL'} {message}")
    if not condition:
        FAILURES.append(message)


def require(condition, message):
    """Stop here: what follows would measure nothing."""
    if not condition:
        sys.exit(f"cannot go on: {message}")


def django_setup():
    import logging

    import django

    django.setup()
    logging.getLogger("httpx").setLevel(logging.WARNING)


def token_for(user):
    """An access token, as `POST auth/token/` would answer (without spending the login throttle)."""
    from accounts.tokens import UserRefreshToken

    return str(UserRefreshToken.for_user(user).access_token)


def bearer(token):
    return {**HEADERS, "Authorization": f"Bearer {token}"}


class Stats:
    """Statements on `catalog_book` that a cluster has run (pg_stat_statements), to tell which served a read."""

    def __init__(self, port, dbname):
        import psycopg

        self.connection = psycopg.connect(f"postgresql://postgres@127.0.0.1:{port}/{dbname}", autocommit=True)

    def book_calls(self):
        row = self.connection.execute(
            "SELECT coalesce(sum(calls), 0) FROM pg_stat_statements WHERE query LIKE '%FROM \"catalog_book\"%'"
        ).fetchone()
        return int(row[0])


def replica(args):
    django_setup()
    from catalog.models import Book
    from tests.factories import CatalogManagerFactory

    client = httpx.Client(base_url=args.app, headers=HEADERS, timeout=10)
    primary, replica_ = Stats(args.primary_port, args.dbname), Stats(args.replica_port, args.dbname)
    manager_token = token_for(CatalogManagerFactory())
    book = Book.objects.filter(is_active=True).order_by("pk").first()
    book_url = f"/api/v1/books/{book.pk}/"

    print("1. Anonymous catalog reads")
    before = primary.book_calls(), replica_.book_calls()
    statuses = Counter(client.get(path).status_code for path in ["/api/v1/books/", "/api/v2/books/", book_url] * 20)
    after = primary.book_calls(), replica_.book_calls()
    print(
        f"  60 anonymous reads: {dict(statuses)}; catalog_book statements: primary +{after[0] - before[0]}, "
        f"replica +{after[1] - before[1]}"
    )
    check(statuses == {200: 60}, "every anonymous read answered 200")
    check(after[1] - before[1] >= 60 and after[0] == before[0], "they were all served by the replica")
    names = replica_.connection.execute(
        "SELECT application_name, count(*) FROM pg_stat_activity WHERE datname = %s AND backend_type = 'client backend'"
        " GROUP BY 1 ORDER BY 1",
        [args.dbname],
    ).fetchall()
    print(f"  connections on the replica by application_name: {dict(names)}")

    print("2. A catalog manager writes, then reads at once (20 rounds)")
    writer = bearer(manager_token)
    stale_own = stale_anonymous = own_on_replica = 0
    for round_ in range(20):
        price = f"{Decimal('20.00') + Decimal(round_) / 100:.2f}"
        response = client.patch(book_url, json={"price": price}, headers=writer)
        require(response.status_code == 200, response.text)
        calls = replica_.book_calls()
        own = client.get(book_url, headers=writer).json()["data"]["price"]
        own_on_replica += replica_.book_calls() - calls
        anonymous = client.get(book_url).json()["data"]["price"]
        stale_own += own != price
        stale_anonymous += anonymous != price
    print(f"  the writer's own reads: {20 - stale_own}/20 saw the write, {own_on_replica} statements on the replica")
    print(f"  anonymous reads right after each write (replica): {20 - stale_anonymous}/20 already saw it")
    check(stale_own == 0 and own_on_replica == 0, "the writer always read its own write, from the primary")
    time.sleep(args.sticky_seconds + 0.5)
    calls = replica_.book_calls()
    client.get(book_url, headers=writer)
    check(replica_.book_calls() > calls, f"{args.sticky_seconds:g} s later the writer reads from the replica again")

    print("3. The replica stops while anonymous reads go on (10/s for 8 s)")
    results, stop_at = [], time.monotonic() + 2
    before = primary.book_calls()

    def stop_replica():
        time.sleep(max(0, stop_at - time.monotonic()))
        subprocess.run(["pg_ctlcluster", args.pg_version, args.replica_cluster, "stop", "-m", "fast"], check=True)  # noqa: S603,S607

    stopper = threading.Thread(target=stop_replica)
    stopper.start()
    started = time.monotonic()
    with ThreadPoolExecutor(8) as pool:
        futures = []
        for tick in range(80):
            time.sleep(max(0, started + tick / 10 - time.monotonic()))
            futures.append(pool.submit(timed_get, client, "/api/v1/books/"))
        results = [future.result() for future in futures]
    stopper.join()
    statuses = Counter(status for status, _ in results)
    print(
        f"  80 reads: {dict(statuses)}; slowest {max(seconds for _, seconds in results) * 1000:.0f} ms; "
        f"catalog_book statements on the primary +{primary.book_calls() - before}"
    )
    check(statuses[500] == 0, "0 x 500")
    check(statuses == {200: 80}, "every read answered 200 (the primary served them once the replica was gone)")

    print("4. The replica comes back")
    subprocess.run(["pg_ctlcluster", args.pg_version, args.replica_cluster, "start"], check=True)  # noqa: S603,S607
    time.sleep(args.retry_seconds + 0.5)
    replica_ = Stats(args.replica_port, args.dbname)
    calls = replica_.book_calls()
    statuses = Counter(client.get("/api/v1/books/").status_code for _ in range(10))
    print(f"  10 reads {dict(statuses)}: replica +{replica_.book_calls() - calls} catalog_book statements")
    check(replica_.book_calls() > calls, f"after {args.retry_seconds:g} s reads use the replica again")


def pg_ctl(args, action, *options):
    subprocess.run(["pg_ctlcluster", args.pg_version, args.cluster, action, *options], check=True)  # noqa: S603,S607


def outage(args):
    """~20 requests/s of anonymous reads and customers' checkouts; the cluster stopped for 10 s, then started."""
    django_setup()
    from django.db import connections

    from catalog.models import Book
    from orders.models import Order
    from tests.factories import BookFactory, CustomerFactory

    book = BookFactory(stock=100_000, price="5.00")
    customers = [Shopper(CustomerFactory(), book.pk) for _ in range(args.customers)]
    client = httpx.Client(base_url=args.app, headers=HEADERS, timeout=10)
    reads = ["/api/v1/books/", "/api/v2/books/", f"/api/v1/books/{book.pk}/"]
    results, probes, marks = [], [], {}
    start = time.monotonic()
    done = threading.Event()

    def outage_window():
        time.sleep(args.before)
        marks["stopping"] = time.monotonic()
        pg_ctl(args, "stop", "-m", "fast")
        marks["down"] = time.monotonic()
        time.sleep(args.down)
        marks["starting"] = time.monotonic()
        starting = subprocess.Popen(["pg_ctlcluster", args.pg_version, args.cluster, "start"])  # noqa: S603,S607
        # The database is back when it takes connections (pg_ctlcluster returns a little later).
        while subprocess.run(["pg_isready", "-q", "-h", "127.0.0.1", "-p", str(args.pg_port)]).returncode:  # noqa: S603,S607
            time.sleep(0.02)
        marks["up"] = time.monotonic()
        require(starting.wait() == 0, "pg_ctlcluster start failed")

    def probe_loop():
        probe_client = httpx.Client(base_url=args.app, timeout=10)  # plain HTTP, by address: as a load balancer
        while not done.is_set():
            for path in ("/healthz", "/readyz"):
                sent = time.monotonic()
                try:
                    status = probe_client.get(path).status_code
                except httpx.HTTPError:
                    status = "no answer"
                probes.append((path, sent, status))
            time.sleep(0.25)

    controller = threading.Thread(target=outage_window)
    prober = threading.Thread(target=probe_loop)
    controller.start()
    prober.start()
    ticks = int((args.before + args.down + args.after) * args.rate)
    with ThreadPoolExecutor(32) as pool:
        futures = []
        for tick in range(ticks):
            time.sleep(max(0, start + tick / args.rate - time.monotonic()))
            shopper = None
            if tick % 4 == 0:  # a quarter of the traffic: the next shopper whose previous step has finished
                turn = tick // 4
                ready = (customers[(turn + i) % len(customers)] for i in range(len(customers)))
                shopper = next((s for s in ready if s.lock.acquire(blocking=False)), None)
            if tick % 4 == 0 and shopper is not None:
                futures.append(pool.submit(shopper.step, client, results))
            else:
                futures.append(pool.submit(record, client, "GET", reads[tick % 3], results))
        for future in futures:
            future.result()
    controller.join()
    done.set()
    prober.join()
    elapsed = time.monotonic() - start
    # This process's own connection (the set-up's) did not survive the restart.
    connections.close_all()

    # Customers caught mid-checkout finish with the key they hold, as a client retrying would.
    for shopper in customers:
        while shopper.state != "cart":
            shopper.lock.acquire()
            shopper.step(client, results)

    up, down, starting = marks["up"], marks["down"], marks["starting"]
    statuses = Counter(result["status"] for result in results)
    failures = [result for result in results if result["status"] != "no answer" and result["status"] >= 400]
    good_failures = [
        result
        for result in failures
        if result["status"] == 503 and result["code"] == "service_unavailable" and result["retry_after"]
    ]
    first_success = min((r["done"] for r in results if r["status"] in (200, 201) and r["done"] > up), default=None)
    print(
        f"{len(results)} requests in {elapsed:.1f} s ({len(results) / elapsed:.1f}/s); database stopped at "
        f"+{down - start:.1f} s (stop took {down - marks['stopping']:.2f} s), back at +{up - start:.1f} s"
    )
    print(f"  answers: {dict(sorted(statuses.items(), key=str))}")
    check(statuses[500] == 0 and statuses["no answer"] == 0, "0 x 500, and every request answered")
    check(
        len(good_failures) == len(failures),
        f"every failure ({len(failures)}) a 503 envelope `service_unavailable` with Retry-After",
    )
    last_503 = max((r["sent"] for r in results if r["status"] == 503), default=None)
    if first_success is not None and last_503 is not None:
        print(
            f"  first success {first_success - up:+.3f} s after the database took connections again"
            f" (the last 503 was for a request sent at {last_503 - up:+.3f} s)"
        )
    check(first_success is not None and first_success - up <= 2, "first success within 2 s of the return")

    health = Counter(status for path, _, status in probes if path == "/healthz")
    ready_down = Counter(status for path, sent, status in probes if path == "/readyz" and down < sent < starting)
    ready_after = Counter(status for path, sent, status in probes if path == "/readyz" and sent > up + 2)
    print(
        f"  /healthz throughout: {dict(health)}; /readyz while down: {dict(ready_down)}, "
        f"from 2 s after the return: {dict(ready_after)}"
    )
    check(set(health) == {200}, "/healthz 200 throughout")
    check(set(ready_down) == {503}, "/readyz 503 while the database is down")
    check(set(ready_after) == {200}, "/readyz 200 again once it is back")

    placed = {key: order for shopper in customers for key, order in shopper.placed.items()}
    replays = [ok for shopper in customers for ok in shopper.replays]
    retried = sum(shopper.retried_keys for shopper in customers)
    stored = set(Order.objects.filter(user__in=[s.user for s in customers]).values_list("pk", flat=True))
    sold = sum(line.quantity for order in Order.objects.filter(pk__in=stored) for line in order.lines.all())
    print(
        f"  checkouts: {len(placed)} keys answered 201 ({retried} of them after retrying a 503 with the same key),"
        f" {len(replays)} replays of a 201; orders stored: {len(stored)}"
    )
    check(
        sorted(placed.values()) == sorted(str(pk) for pk in stored),
        "no order lost or duplicated: the stored orders are exactly the ones answered, one per key",
    )
    check(retried > 0, "some checkouts were caught by the outage and retried with their key")
    check(all(replays), "a replayed key answered the same order")
    check(Book.objects.get(pk=book.pk).stock == 100_000 - sold, "stock taken equals the copies in stored orders")


class Shopper:
    """A customer with a cart: adds a book, checks out with an Idempotency-Key, retries a 503 with the same key,
    and now and then sends a 201'd request again (a retry after a lost answer)."""

    def __init__(self, user, book_id):
        self.user, self.book_id = user, book_id
        self.headers = bearer(token_for(user))
        self.lock = threading.Lock()
        self.state, self.key, self.retried_keys, self.attempts = "cart", None, 0, 0
        self.placed, self.replays = {}, []

    def step(self, client, results):
        try:
            if self.state == "cart":
                result = record(
                    client,
                    "POST",
                    "/api/v1/cart/items/",
                    results,
                    json={"book": self.book_id, "quantity": 1},
                    headers=self.headers,
                )
                if result["status"] in (200, 201):
                    self.state, self.key, self.attempts = "checkout", str(uuid.uuid4()), 0
            else:
                result = record(
                    client,
                    "POST",
                    "/api/v1/orders/",
                    results,
                    json={"shipping_address": ADDRESS},
                    headers={**self.headers, "Idempotency-Key": self.key},
                )
                self.attempts += 1
                if result["status"] == 201 and self.state == "replay":
                    self.replays.append(result["id"] == self.placed[self.key])
                    self.state = "cart"
                elif result["status"] == 201:
                    self.placed[self.key] = result["id"]
                    self.retried_keys += self.attempts > 1
                    self.state = "replay" if len(self.placed) % 3 == 0 else "cart"
        finally:
            self.lock.release()


ADDRESS = {"name": "Bea Smith", "line1": "1 High Street", "city": "Oxford", "postal_code": "OX1 1AA", "country": "GB"}


def record(client, method, path, results, **kwargs):
    sent = time.monotonic()
    result = {"sent": sent, "method": method, "path": path, "code": None, "retry_after": None, "id": None}
    try:
        response = client.request(method, path, **kwargs)
    except httpx.HTTPError as exc:
        result.update(status="no answer", error=repr(exc))
    else:
        result.update(status=response.status_code, retry_after=response.headers.get("Retry-After"))
        try:
            body = response.json()
        except ValueError:
            body = {}
        result["code"] = (body.get("error") or {}).get("code")
        result["id"] = (body.get("data") or {}).get("id") if isinstance(body.get("data"), dict) else None
    result["done"] = time.monotonic()
    results.append(result)
    return result


def scaleout(args):
    """Two app processes, one PostgreSQL, one Redis: state written through one is seen through the other, a client
    throttled on one is throttled on the other, and neither answers a cached read from before the other's write."""
    one, other = (httpx.Client(base_url=app, headers=HEADERS, timeout=10) for app in args.apps)
    email, password = f"scale-{uuid.uuid4().hex[:8]}@example.com", "a-long-pass-phrase-of-the-check"
    login = "/api/v1/auth/token/"

    print(f"1. Register through {args.apps[0]}, log in through {args.apps[1]}, read the profile through the first")
    registered = one.post("/api/v1/auth/register/", json={"email": email, "password": password})
    tokens = other.post(login, json={"email": email, "password": password})
    require(tokens.status_code == 200, tokens.text)
    me = one.get("/api/v1/users/me/", headers=bearer(tokens.json()["data"]["access"]))
    print(f"  register {registered.status_code}, token {tokens.status_code}, users/me {me.status_code}")
    check((registered.status_code, me.status_code) == (201, 200), "both processes serve the same accounts")

    print(f"2. Wrong passwords from one address, alternating between the processes (limit {args.limit}/minute)")
    answers = []
    for attempt in range(2, args.limit + 3):  # the login above was the first password check
        app = one if attempt % 2 else other
        response = app.post(login, json={"email": email, "password": "wrong-password"})
        answers.append((attempt, "first" if app is one else "second", response.status_code))
        print(
            f"  attempt {attempt} on the {answers[-1][1]} process: {response.status_code}"
            + (f" (Retry-After {response.headers['Retry-After']})" if response.status_code == 429 else "")
        )
    allowed = [status for attempt, _, status in answers if attempt <= args.limit]
    over = [(where, status) for attempt, where, status in answers if attempt > args.limit]
    check(set(allowed) == {401}, f"the first {args.limit} password checks are answered (401: wrong password)")
    # Password checks each process itself had seen before answering 429 (the login in step 1 went to the second).
    seen = {
        where: sum(1 for attempt_, where_, _ in answers if where_ == where and attempt_ < attempt) + (where == "second")
        for attempt, where, status in answers
        if status == 429
    }
    check(
        {status for _, status in over} == {429} and set(seen) == {"first", "second"},
        f"check {args.limit + 1} and after are throttled (429) on both processes, when each had itself seen only"
        f" {seen.get('first', '?')} and {seen.get('second', '?')} of them",
    )

    print("3. The read cache: a catalog manager writes through one process, anonymous readers read through both")
    django_setup()
    from catalog.models import Book
    from tests.factories import BookFactory, CatalogManagerFactory

    book = BookFactory(price="10.00")
    writer = bearer(token_for(CatalogManagerFactory()))
    paths = [f"/api/v2/books/{book.pk}/", "/api/v2/books/?limit=100", f"/api/v1/books/{book.pk}/"]
    stale = 0
    for round_ in range(20):
        for path in paths:  # each process caches the answers before the write
            one.get(path), other.get(path)
        price = f"{Decimal('20.00') + Decimal(round_) / 100:.2f}"
        written = (one if round_ % 2 else other).patch(
            f"/api/v1/books/{book.pk}/", json={"price": price}, headers=writer
        )
        require(written.status_code == 200, written.text)
        for reader in (other, one) if round_ % 2 else (one, other):
            for path in paths:
                seen = reader.get(path).json()["data"]
                seen = seen if "id" in seen else next(item for item in seen["results"] if item["id"] == book.pk)
                stale += (seen["price"]["amount"] if isinstance(seen["price"], dict) else seen["price"]) != price
    print(
        f"  {20 * 2 * len(paths)} anonymous reads right after 20 writes: {20 * 2 * len(paths) - stale} showed the write"
    )
    check(stale == 0, "a write through either process shows in the next anonymous read through both")
    check(Book.objects.get(pk=book.pk).price == Decimal(price), "the database holds the last write")


def timed_get(client, path, **kwargs):
    started = time.monotonic()
    try:
        status = client.get(path, **kwargs).status_code
    except httpx.HTTPError:
        status = "no answer"
    return status, time.monotonic() - started


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    replica_parser = sub.add_parser("replica")
    replica_parser.add_argument("--app", required=True)
    replica_parser.add_argument("--dbname", required=True)
    replica_parser.add_argument("--primary-port", type=int, required=True)
    replica_parser.add_argument("--replica-port", type=int, required=True)
    replica_parser.add_argument("--replica-cluster", required=True)
    replica_parser.add_argument("--pg-version", required=True)
    replica_parser.add_argument("--sticky-seconds", type=float, required=True)
    replica_parser.add_argument("--retry-seconds", type=float, required=True)
    outage_parser = sub.add_parser("outage")
    outage_parser.add_argument("--app", required=True)
    outage_parser.add_argument("--cluster", required=True)
    outage_parser.add_argument("--pg-port", type=int, required=True)
    outage_parser.add_argument("--pg-version", required=True)
    outage_parser.add_argument("--rate", type=float, default=20)
    outage_parser.add_argument("--customers", type=int, default=8)
    outage_parser.add_argument("--before", type=float, default=5)
    outage_parser.add_argument("--down", type=float, default=10)
    outage_parser.add_argument("--after", type=float, default=6)
    scaleout_parser = sub.add_parser("scaleout")
    scaleout_parser.add_argument("--apps", nargs=2, required=True)
    scaleout_parser.add_argument("--limit", type=int, required=True)
    args = parser.parse_args()
    {"replica": replica, "outage": outage, "scaleout": scaleout}[args.command](args)
    if FAILURES:
        print(f"\n{len(FAILURES)} check(s) failed: {FAILURES}")
        sys.exit(1)
    print("\nall checks passed")


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bookstore.settings.production")
    main()
