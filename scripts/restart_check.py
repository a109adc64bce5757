"""No request lost on restart: gunicorn with gunicorn.conf.py and production settings, against a real slow endpoint.

1. SIGTERM: 10 payment starts are sent at once to a fake provider that takes PROVIDER_DELAY seconds to answer
   (PAYMENT_FAKE_PROVIDER_DELAY_SECONDS, the setting bench/payment_start.py uses: a real endpoint, slow the way a
   real provider is); while they are in flight the master gets SIGTERM. Every one must answer 201, and gunicorn
   must exit on its own (status 0) once they are done, within its graceful_timeout.
2. Reload: a fresh gunicorn serves about 20 requests/s of catalog reads (each on a connection of its own, as
   nginx sends them), with two slow payment starts in flight, while the master gets SIGHUP twice (new workers
   start, the old ones finish what they accepted). Every request must succeed, and the workers must be new.
3. Recycling: the same load with max_requests=25, so that workers are replaced every couple of seconds (what
   gunicorn.conf.py's max_requests does now and then). Every request must succeed.

    DATABASE_URL=postgres://... .venv/bin/python scripts/restart_check.py [--port 8000] [--worker-class sync]

DATABASE_URL names an empty database of the run's own (.ci/run makes a fresh one); it is migrated and filled
here. --worker-class runs the same check with another worker class (`sync` shows the queued requests lost).
Exits 0 when nothing was lost, 1 otherwise.
"""

import argparse
import concurrent.futures
import http.client
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
GUNICORN = str(Path(sys.executable).parent / "gunicorn")
PROVIDER_DELAY = 3.0
SLOW_REQUESTS = 10
RELOAD_RATE = 20  # requests per second
RELOAD_SECONDS = 9
RELOADS_AT = (3.0, 6.0)  # seconds into the load
RECYCLE_AFTER = 25  # max_requests of the recycling check
RECYCLE_SECONDS = 6

SEED = """
import json
from accounts.services import user_register
from accounts.tokens import UserRefreshToken
from catalog.models import Book
from orders.services import cart_add_item, order_place

user = user_register(email="restart-check@example.com", password="restart-check-pass-phrase-1")
book = Book.objects.filter(is_active=True).order_by("id").first()
Book.objects.filter(pk=book.pk).update(stock=1000)
book.refresh_from_db()
address = {"name": "R. Check", "line1": "1 Main Street", "city": "Leeds", "postal_code": "LS1 1AA", "country": "GB"}
orders = []
for _ in range(%(orders)d):
    cart_add_item(user=user, book=book, quantity=1)
    orders.append(str(order_place(user=user, shipping_address=address).pk))
print(json.dumps({"orders": orders, "access": str(UserRefreshToken.for_user(user).access_token)}))
"""


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_environment(static_root):
    return os.environ | {
        "DJANGO_SETTINGS_MODULE": "bookstore.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_JWT_SIGNING_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_STATIC_ROOT": static_root,
        "PAYMENT_WEBHOOK_SECRET": secrets.token_urlsafe(32),
        "PAYMENT_FAKE_PROVIDER_ALLOWED": "true",
        "PAYMENT_FAKE_PROVIDER_DELAY_SECONDS": str(PROVIDER_DELAY),
    }


def manage(env, *args, **kwargs):
    return subprocess.run(  # noqa: S603 - this interpreter, fixed arguments
        [PYTHON, "manage.py", *args], cwd=BASE_DIR, env=env, check=True, capture_output=True, text=True, **kwargs
    )


def request(port, method, path, token=None, timeout=30.0):
    """One request on a connection of its own: (status or the error's name, seconds it took, when it ended)."""
    started = time.monotonic()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        connection.request(method, path, headers=headers)
        response = connection.getresponse()
        response.read()
        outcome = response.status
    except (OSError, http.client.HTTPException) as exc:
        outcome = type(exc).__name__
    finally:
        connection.close()
    ended = time.monotonic()
    return outcome, ended - started, ended


class Server:
    def __init__(self, port, env, worker_class, log_path, extra=()):
        self.port = port
        self.log = open(log_path, "ab")  # noqa: SIM115 - closed in stop()
        args = [GUNICORN, "-c", "gunicorn.conf.py", "bookstore.wsgi", "--bind", f"127.0.0.1:{port}"]
        args += ["--workers", "2", "--worker-class", worker_class]
        if worker_class == "sync":
            args += ["--threads", "1"]  # gunicorn turns sync with threads (gunicorn.conf.py has 4) into gthread
        args += list(extra)
        self.process = subprocess.Popen(args, cwd=BASE_DIR, env=env, stdout=self.log, stderr=self.log)  # noqa: S603
        deadline = time.monotonic() + 30
        while request(port, "GET", "/api/v1/books/?limit=1", timeout=2)[0] != 200:
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise SystemExit(f"gunicorn did not start; see {log_path}")
            time.sleep(0.2)

    def workers(self):
        command = ["ps", "-o", "pid=", "--ppid", str(self.process.pid)]  # procps' ps, fixed arguments
        out = subprocess.run(command, capture_output=True, text=True, check=False).stdout  # noqa: S603, S607
        return sorted(int(pid) for pid in out.split())

    def signal(self, signum):
        self.process.send_signal(signum)

    def stop(self, timeout=40):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        code = self.process.wait(timeout=timeout)
        self.log.close()
        return code


def sigterm_check(port, env, worker_class, token, orders, log_path):
    server = Server(port, env, worker_class, log_path)
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=SLOW_REQUESTS)
    sent = time.monotonic()
    futures = [pool.submit(request, port, "POST", f"/api/v1/orders/{order}/payment/", token) for order in orders]
    time.sleep(1.5)  # every request is on the wire and waiting for the provider
    term_at = time.monotonic()
    server.signal(signal.SIGTERM)
    results = [future.result() for future in futures]
    code = server.process.wait(timeout=60)
    exited_at = time.monotonic()
    server.log.close()
    statuses = [outcome for outcome, _, _ in results]
    in_flight = sum(1 for _, _, ended in results if ended > term_at)
    print(
        f"SIGTERM with {len(orders)} slow requests in flight (provider {PROVIDER_DELAY:.0f} s, SIGTERM "
        f"{term_at - sent:.1f} s after sending): {statuses.count(201)} x 201, "
        f"{len(statuses) - statuses.count(201)} lost {sorted({str(s) for s in statuses if s != 201})}; "
        f"{in_flight} of them still open at the SIGTERM; gunicorn exited {code} after {exited_at - term_at:.1f} s"
    )
    return statuses.count(201) == len(orders) and in_flight == len(orders) and code == 0


def steady_reads(port, seconds, pool, events=()):
    """RELOAD_RATE catalog reads a second for `seconds`, each on a connection of its own; each (at, action) of
    `events` runs `at` seconds in. Answers the reads' results and how many requests a second were sent."""
    events = sorted(events, key=lambda event: event[0])
    futures = []
    started = time.monotonic()
    for tick in range(int(RELOAD_RATE * seconds)):
        while events and time.monotonic() - started >= events[0][0]:
            events.pop(0)[1]()
        futures.append(pool.submit(request, port, "GET", f"/api/v1/books/?limit=5&offset={tick % 100}"))
        time.sleep(max(0.0, started + (tick + 1) / RELOAD_RATE - time.monotonic()))
    rate = len(futures) / (time.monotonic() - started)
    return [future.result() for future in futures], rate


def summary(results):
    statuses = [outcome for outcome, _, _ in results]
    failed = [status for status in statuses if status != 200]
    slowest = max(duration for _, duration, _ in results)
    return (
        failed,
        f"{len(results)} reads, {len(failed)} failed {sorted({str(s) for s in failed})}, slowest {slowest:.2f} s",
    )


def reload_check(port, env, worker_class, token, orders, log_path):
    server = Server(port, env, worker_class, log_path)
    before = server.workers()
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=64)
    slow = []

    def start_slow():
        order = orders[len(slow)]
        slow.append(pool.submit(request, port, "POST", f"/api/v1/orders/{order}/payment/", token))

    events = [(at, lambda: server.signal(signal.SIGHUP)) for at in RELOADS_AT]
    events += [(at - 0.5, start_slow) for at in RELOADS_AT]  # a slow request in flight across each reload
    results, rate = steady_reads(port, RELOAD_SECONDS, pool, events)
    slow_statuses = [future.result()[0] for future in slow]
    time.sleep(1.0)
    after = server.workers()
    code = server.stop()
    failed, reads = summary(results)
    print(
        f"Reload (SIGHUP x {len(RELOADS_AT)}) under {rate:.1f} requests/s for {RELOAD_SECONDS} s: {reads}; "
        f"slow payment starts across the reloads: {slow_statuses}; workers {before} -> {after}; "
        f"gunicorn exited {code}"
    )
    renewed = not set(before) & set(after) and len(after) == len(before)
    return not failed and all(status == 201 for status in slow_statuses) and renewed and code == 0


def recycle_check(port, env, worker_class, log_path):
    """max_requests at work: each worker replaced after a few dozen requests, under the same steady load."""
    extra = ["--max-requests", str(RECYCLE_AFTER), "--max-requests-jitter", "10"]
    server = Server(port, env, worker_class, log_path, extra)
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=64)
    results, rate = steady_reads(port, RECYCLE_SECONDS, pool)
    code = server.stop()
    recycled = log_path.read_text(errors="replace").count("Autorestarting worker")
    failed, reads = summary(results)
    print(
        f"Workers replaced by max_requests={RECYCLE_AFTER} (jitter 10) under {rate:.1f} requests/s for "
        f"{RECYCLE_SECONDS} s: {reads}; {recycled} workers replaced; gunicorn exited {code}"
    )
    return not failed and recycled >= 1 and code == 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=0, help="the port gunicorn listens on (default: a free one)")
    parser.add_argument("--worker-class", default="gthread", help="gunicorn.conf.py's is gthread")
    options = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("Set DATABASE_URL to an empty PostgreSQL database of this run's own.")
    port = options.port or free_port()
    with tempfile.TemporaryDirectory() as workdir:
        env = server_environment(workdir)
        log_path = Path(workdir) / "gunicorn.log"
        began = time.monotonic()
        manage(env, "migrate", "--noinput", "-v", "0")
        manage(env, "load_demo_catalog")
        seeded = json.loads(manage(env, "shell", "-v", "0", "-c", SEED % {"orders": SLOW_REQUESTS + 2}).stdout)
        orders, token = seeded["orders"], seeded["access"]
        setup = time.monotonic() - began
        print(f"{options.worker_class} workers, gunicorn.conf.py, production settings; set up in {setup:.1f} s")
        try:
            ok = sigterm_check(port, env, options.worker_class, token, orders[:SLOW_REQUESTS], log_path)
            ok = reload_check(port, env, options.worker_class, token, orders[SLOW_REQUESTS:], log_path) and ok
            recycle_log = Path(workdir) / "gunicorn-recycle.log"
            ok = recycle_check(port, env, options.worker_class, recycle_log) and ok
        finally:
            lines = [
                line
                for log in sorted(Path(workdir).glob("*.log"))
                for line in log.read_text(errors="replace").splitlines()
            ]
            errors = [line for line in lines if '"level": "ERROR"' in line or '"level": "CRITICAL"' in line]
            print(f"gunicorn logs: {len(lines)} lines, {len(errors)} errors")
            for line in errors[:10]:
                print("  " + line[:400])
        print(f"{'PASS' if ok else 'FAIL'}: total {time.monotonic() - began:.1f} s")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
