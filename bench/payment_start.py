"""Benchmark (not a test): 50 concurrent payment starts with a provider that takes 1 s to answer, served by 2
ASGI workers (gunicorn + uvicorn) and by 2 sync WSGI workers (gunicorn).

    .venv/bin/python bench/payment_start.py [--requests 50] [--workers 2] [--delay 1]

Uses a throwaway SQLite database, or the PostgreSQL database that DATABASE_URL names (its tables are
migrated and demo rows added). Each server gets its own free port on 127.0.0.1 and is stopped at the end.
The fake provider waits PAYMENT_FAKE_PROVIDER_DELAY_SECONDS before it answers, as a real one would over the
network; under ASGI a worker serves the other requests meanwhile, a sync worker cannot.
"""

import argparse
import asyncio
import logging
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

BASE_DIR = Path(__file__).resolve().parent.parent
SERVERS = {
    "ASGI (gunicorn + uvicorn workers)": [
        "bookstore.asgi:application",
        "--worker-class",
        "uvicorn_worker.UvicornWorker",
    ],
    "WSGI (gunicorn sync workers)": ["bookstore.wsgi:application", "--worker-class", "sync"],
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prepare(count: int) -> list[tuple[str, str]]:
    """Migrate, then make `count` customers with an order each; answers (order id, access token) pairs."""
    import django

    django.setup()
    from django.core.management import call_command

    from accounts.tokens import UserRefreshToken
    from orders.services import cart_add_item, order_place
    from tests.factories import BookFactory, CustomerFactory

    call_command("migrate", "--noinput", verbosity=0)
    book = BookFactory(price="12.50", stock=count * 2)
    address = {"name": "Bench", "line1": "1 Main St", "line2": "", "city": "Berlin", "postal_code": "10115"}
    orders = []
    for _ in range(count):
        customer = CustomerFactory()
        cart_add_item(user=customer, book=book, quantity=1)
        order = order_place(user=customer, shipping_address=address | {"country": "DE"})
        orders.append((str(order.pk), str(UserRefreshToken.for_user(customer).access_token)))
    return orders


async def start_payments(base_url: str, orders: list[tuple[str, str]]) -> tuple[float, dict[int, int]]:
    """Start every order's payment at once; answers the wall time and the count of each status code."""
    async with httpx.AsyncClient(base_url=base_url, timeout=120, limits=httpx.Limits(max_connections=None)) as client:
        began = time.perf_counter()
        responses = await asyncio.gather(
            *(
                client.post(f"/api/v1/orders/{order}/payment/", headers={"Authorization": f"Bearer {token}"})
                for order, token in orders
            )
        )
        elapsed = time.perf_counter() - began
    statuses: dict[int, int] = {}
    for response in responses:
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
    return elapsed, statuses


def serve(app: list[str], port: int, workers: int) -> subprocess.Popen:
    command = [str(Path(sys.executable).parent / "gunicorn"), *app, "--bind", f"127.0.0.1:{port}"]
    command += ["--workers", str(workers), "--no-control-socket", "--log-level", "warning", "--timeout", "120"]
    server = subprocess.Popen(command, cwd=BASE_DIR)  # noqa: S603 - our own gunicorn, fixed arguments
    for _ in range(100):
        try:
            httpx.get(f"http://127.0.0.1:{port}/api/v1/", timeout=1)
            return server
        except httpx.TransportError:
            time.sleep(0.1)
    server.terminate()
    raise RuntimeError(f"The server on port {port} did not start.")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--delay", type=float, default=1.0, help="seconds the provider takes to answer")
    args = parser.parse_args()

    workdir = tempfile.TemporaryDirectory(prefix="bench-payment-start-")
    # SQLite: two processes writing at once must wait for each other (IMMEDIATE transactions and a busy timeout)
    # rather than fail with "database is locked".
    sqlite = f"sqlite:///{workdir.name}/bench.sqlite3?timeout=30&transaction_mode=IMMEDIATE"
    database = os.environ.get("DATABASE_URL") or sqlite
    os.environ.update(
        DJANGO_SETTINGS_MODULE="bookstore.settings.local",
        DJANGO_DEBUG="false",
        DJANGO_ENV_FILE=os.devnull,
        DATABASE_URL=database,
        PAYMENT_PROVIDER="fake",
        PAYMENT_FAKE_PROVIDER_DELAY_SECONDS=str(args.delay),
    )
    sys.path.insert(0, str(BASE_DIR))
    orders = prepare(args.requests * len(SERVERS))
    logging.getLogger("httpx").setLevel(logging.WARNING)  # the project's logging would print every request

    print(
        f"{args.requests} concurrent payment starts, provider answering in {args.delay:g} s, "
        f"{args.workers} workers each, database {database.split(':', 1)[0]}"
    )
    for index, (name, app) in enumerate(SERVERS.items()):
        port = free_port()
        server = serve(app, port, args.workers)
        try:
            batch = orders[index * args.requests : (index + 1) * args.requests]
            elapsed, statuses = asyncio.run(start_payments(f"http://127.0.0.1:{port}", batch))
        finally:
            server.terminate()
            server.wait(timeout=30)
        answers = ", ".join(f"{count} x {status}" for status, count in sorted(statuses.items()))
        print(f"{name:36} {elapsed:6.1f} s   {answers}")
    workdir.cleanup()


if __name__ == "__main__":
    main()
