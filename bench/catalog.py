"""Benchmark (not a test): the catalog read path at 100k and 1M books, beside a raw floor and a FastAPI peer, on
one machine.

    .venv/bin/python bench/catalog.py                      # both sizes: load, search probe, in-process harness
    .venv/bin/python bench/catalog.py --sizes 100k --duration 5
    .venv/bin/python bench/catalog.py --only load          # or: search, inprocess
    .venv/bin/python bench/catalog.py --ports 8790,8791,8792   # the platform's, the floor's, the peer's

For each size it makes (or reuses) the PostgreSQL database perf_<size> (migrated, filled by generate_catalog
with seed 1, vacuumed), then:

- load: serves the platform twice (gunicorn, production settings and packages: a virtualenv of requirements.txt
  alone, .bench-venv, made on first use; gunicorn.conf.py's gthread workers, 2 workers each): once with the read
  cache off, so that every read builds its page, and once with it on, on the platform's port + 3, answering
  anonymous reads from Redis. Beside it, the raw floor (bench/floor.py: psycopg, PostgreSQL builds the same v2 page
  as JSON; 2 workers) and the peer of issue 13 (bench/peer_fastapi.py: FastAPI + SQLAlchemy as a typical team
  writes them, no count; gunicorn with 2 uvicorn workers) on the same database. It checks that all answer the same
  books (page 1 and a cursor page halfway through the catalog, every field compared), then loads each URL with
  `wrk -t2 -c16 -d10s --latency` and prints req/s, p50, p99, the servers' CPU per request (master and workers,
  from /proc) and the ratios to the floor and to the peer;
- search: p50/p99 of the search classes of issue 13, in process (query plus serialization, no HTTP);
- inprocess: queries and CPU per request of each read, in process (the read cache off).

PostgreSQL at 127.0.0.1:5432 (user postgres), Redis at 127.0.0.1:6379 (db 13) for the shared cache; ports
8780-8783 unless --ports says otherwise (the cached platform on the platform's port + 3). wrk is the Debian
package. The peer needs FastAPI and SQLAlchemy, which the platform does not: `pip install -r
requirements-bench.txt`; without them the load part stops before it starts, saying so (the search and in-process
parts do not need them).
"""

import argparse
import importlib.util
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit

BASE_DIR = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
SIZES = {"100k": 100_000, "1m": 1_000_000}
PLATFORM_PORT, FLOOR_PORT, PEER_PORT = 8780, 8781, 8782
# The peer is an ASGI app: gunicorn serves it with uvicorn workers (the platform's own ASGI worker class).
UVICORN = ("--worker-class", "uvicorn_worker.UvicornWorker")
PG = "postgres://postgres@127.0.0.1:5432"
TICKS = os.sysconf("SC_CLK_TCK")


def environment(database: str) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bookstore.settings.production",
        "DATABASE_URL": f"{PG}/{database}",
        "DJANGO_SECRET_KEY": "bench-secret-key-bench-secret-key-bench-secret-key-0123456789",
        "DJANGO_JWT_SIGNING_KEY": "bench-jwt-signing-key-bench-jwt-signing-key-0123456789abcdef",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        # TLS ends at the proxy in production; the bench talks plain HTTP on loopback.
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "PAYMENT_WEBHOOK_SECRET": "bench-webhook-secret",
        "PAYMENT_FAKE_PROVIDER_ALLOWED": "true",
        "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13"),
        "DJANGO_LOG_LEVEL": "WARNING",
        # The bench's access token is made once and used for the whole run, which may outlast the default 10 minutes.
        "DJANGO_JWT_ACCESS_MINUTES": "240",
    }


def manage(env: dict, *args: str) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=BASE_DIR, env=env, check=True)  # noqa: S603


def ensure_database(size: str) -> dict:
    """perf_<size>, migrated and holding exactly the generated books (made once, then reused)."""
    import psycopg

    database = f"perf_{size}"
    with psycopg.connect(f"{PG}/postgres", autocommit=True) as admin:
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database]).fetchone():
            admin.execute(f'CREATE DATABASE "{database}"')
    env = environment(database)
    manage(env, "migrate", "--noinput", "-v0")
    with psycopg.connect(f"{PG}/{database}", autocommit=True) as db:
        books = db.execute("SELECT count(*) FROM catalog_book").fetchone()[0]
        if books == 0:
            manage(env, "generate_catalog", "--books", str(SIZES[size]), "--seed", "1", "--force")
            db.execute("VACUUM ANALYZE")
        elif books != SIZES[size]:
            sys.exit(f"{database} holds {books} books, not {SIZES[size]}: drop it to generate it again.")
    return env


def setup_django(env: dict) -> None:
    os.environ.update(env)
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()


def fixtures() -> dict:
    """What the runs need from the database: a customer's access token, a cursor halfway through the catalog,
    a book id, and words for the search probe."""
    from django.contrib.auth import get_user_model
    from django.db import connection

    from accounts.tokens import UserRefreshToken
    from bookstore.api.pagination import KeysetPagination
    from catalog.models import Book

    User = get_user_model()
    user, _ = User.objects.get_or_create(email="bench-reader@bookstore.test")
    access = str(UserRefreshToken.for_user(user).access_token)
    active = Book.objects.filter(is_active=True).order_by("title", "id")
    middle = active.values("title", "id")[active.count() // 2]
    cursor = KeysetPagination.signer.sign_object({"v": [middle["title"], str(middle["id"])], "r": False})
    book = active.values("id", "isbn", "author_names")[1234]
    with connection.cursor() as c:
        c.execute("SELECT title FROM catalog_book WHERE is_active ORDER BY id LIMIT 1 OFFSET 4321")
        (title,) = c.fetchone()
    return {"access": access, "cursor": cursor, "middle": middle, "book": book, "title": title}


# The load runs -------------------------------------------------------------------------------------------------


def production_python() -> str:
    """The Python of a virtualenv holding requirements.txt alone (.bench-venv, made once and again when the file
    changes): the platform is served as production installs it. The dev set's extra packages would be imported by
    the platform's libraries when present (DRF imports requests; redis instruments itself with OpenTelemetry, which
    the peer's FastAPI brings), costing memory and time that production does not pay."""
    venv = BASE_DIR / ".bench-venv"
    requirements = (BASE_DIR / "requirements.txt").read_bytes()
    stamp = venv / "requirements.txt"
    if not stamp.exists() or stamp.read_bytes() != requirements:
        print("  making .bench-venv from requirements.txt", flush=True)
        subprocess.run([PYTHON, "-m", "venv", "--clear", str(venv)], check=True)  # noqa: S603
        pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "-r", str(BASE_DIR / "requirements.txt")]
        subprocess.run(pip, check=True)  # noqa: S603
        stamp.write_bytes(requirements)
    return str(venv / "bin" / "python")


def serve(
    app: str, port: int, env: dict, workdir: str, name: str, ready: str, *options: str, python: str = PYTHON
) -> subprocess.Popen:
    """gunicorn serving `app` with 2 workers, once both are up and `ready` (a path) answers."""
    command = [
        python, "-m", "gunicorn", app, "--workers", "2", "--bind", f"127.0.0.1:{port}",
        "--control-socket", f"{workdir}/{name}.sock", "--log-level", "warning", "--timeout", "120",
        # gunicorn.conf.py (the production configuration: gthread workers) applies to every server unless
        # `options` say otherwise; steady state is measured, without its worker recycling every ~1,000 requests.
        "--max-requests", "0", *options,
    ]  # fmt: skip
    server = subprocess.Popen(command, cwd=BASE_DIR, env=env)  # noqa: S603 -- our own gunicorn, fixed arguments
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if len(children(server.pid)) == 2:
            try:
                get(f"http://127.0.0.1:{port}{ready}")
                return server
            except OSError:
                pass
        time.sleep(0.2)
    server.kill()
    sys.exit(f"{app} did not start")


def children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) of a gunicorn master and its live workers."""
    total = 0
    for process in [pid, *children(pid)]:
        try:
            fields = Path(f"/proc/{process}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / TICKS


def worker_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def get(url: str, headers: dict | None = None) -> dict:
    import urllib.request

    request = urllib.request.Request(url, headers=headers or {})  # noqa: S310 -- loopback URLs of the bench
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        return json.loads(response.read())


def connections_per_worker(server: int, port: int) -> list[int]:
    """How many of the established connections to `port` each worker of the gunicorn master `server` holds."""
    listing = subprocess.run(  # noqa: S603 -- iproute2's ss, fixed arguments
        ["ss", "-tnpH", "state", "established", f"( sport = :{port} )"],  # noqa: S607
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return sorted((len(re.findall(rf"pid={worker},", listing)) for worker in children(server)), reverse=True)


def warm_up(url: str, headers: dict) -> None:
    """Forty requests, each on a connection of its own, so that every worker has answered some (its first
    answers load what the app imports lazily) before the load: a worker still warming up when wrk connects loses
    the race for the connections."""
    for _ in range(40):
        get(url, headers)


def balanced_wrk(server: int, port: int, url: str, headers: dict, duration: int) -> dict:
    """wrk's figures for `url` and the server's CPU time per request, measured while both workers hold a fair
    share of its connections.

    A worker keeps the kept-alive connections it accepted, and which worker accepts which of wrk's 16 is a race
    that one worker wins more often than not, serving most of them alone while the other idles: that costs a
    Python server up to half its throughput (seen: 340 req/s with 16 connections on one worker, 423 with 11 and 5,
    against 560 to 620 with 8 and 8 or 9 and 7, for the same page). Such a run measures the race, not the server.
    So half a second into each run the connections per worker are counted (`ss`), and a run whose workers' shares
    differ by more than 4 is stopped and started again, up to ten times (the last one counts whatever it holds);
    the shares are printed with the result. (Behind nginx, which opens a connection per request, no worker keeps
    any: the race is run again for every request.)
    """
    command = ["wrk", "-t2", "-c16", f"-d{duration}s", "--latency", url]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    for attempt in range(10):
        before = cpu_seconds(server)
        load = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)  # noqa: S603 -- wrk, fixed arguments
        try:
            time.sleep(0.5)
            held = connections_per_worker(server, port)
            if lopsided(held) and attempt < 9:
                print(f"    (the workers held {held} of the connections: started again)", flush=True)
                continue
            output, _ = load.communicate()
        finally:
            if load.poll() is None:  # a run started again, or an error: no wrk left loading the machine
                load.terminate()
                load.wait()
        if load.returncode:
            sys.exit(f"wrk {url} failed ({load.returncode})")
        result = wrk_figures(output)
        result["cpu_ms"] = (cpu_seconds(server) - before) * 1000 / max(result["requests"], 1)
        result["connections"] = held
        return result


def lopsided(held: list[int]) -> bool:
    """Whether the workers' shares of the connections differ by more than 4 (a run that measures the race)."""
    return len(held) > 1 and max(held) - min(held) > 4


def described(result: dict) -> str:
    """A load run's figures on one line."""
    return (
        f"{result['rps']:8.0f} req/s  p50 {result['p50']:7.1f} ms  p99 {result['p99']:7.1f} ms  "
        f"{result['cpu_ms']:5.2f} ms CPU/req  connections per worker {result['connections']}"
        + (f"  {result['errors']} non-2xx!" if result["errors"] else "")
    )


def wrk_figures(output: str) -> dict:
    """req/s, p50, p99, requests and non-2xx answers from wrk's report."""
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50": latency(re.search(r"50%\s+([\d.]+\w+)", output).group(1)),
        "p99": latency(re.search(r"99%\s+([\d.]+\w+)", output).group(1)),
        "requests": int(re.search(r"(\d+) requests in", output).group(1)),
        "errors": int(non_2xx.group(1)) if non_2xx else 0,
    }


def latency(text: str) -> float:
    """wrk's latency as milliseconds."""
    value, unit = re.fullmatch(r"([\d.]+)(\w+)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60_000}[unit]


def same_books(platform: dict, other: dict, what: str, name: str = "the floor") -> None:
    """Every field of every book equal, in the same order."""
    ours, theirs = platform["data"]["results"], other["data"]["results"]
    if ours != theirs:
        for mine, their in zip(ours, theirs, strict=False):
            if mine != their:
                sys.exit(f"{what}: the platform and {name} differ:\n{mine}\n{their}")
        sys.exit(f"{what}: the platform answered {len(ours)} books, {name} {len(theirs)}")
    print(f"  check: {what}: the platform and {name} answer the same {len(ours)} books, field for field")


def peer_installed() -> None:
    """The peer's packages (requirements-bench.txt) are not the platform's: stop with what to install."""
    missing = [name for name in ("fastapi", "sqlalchemy", "uvicorn_worker") if importlib.util.find_spec(name) is None]
    if missing:
        sys.exit(
            f"The FastAPI peer (bench/peer_fastapi.py) needs {', '.join(missing)}: "
            f"{PYTHON} -m pip install -r requirements-bench.txt"
        )


def halfway_paths(data: dict) -> tuple[str, str]:
    """The page of 20 after the book halfway through the catalog: the platform's path (its cursor), and the floor's and
    the peer's (the book's title and id)."""
    after_middle = urlencode({"limit": 20, "id": data["middle"]["id"], "title": data["middle"]["title"]})
    return f"/api/v2/books/?limit=20&cursor={data['cursor']}", f"/books/?{after_middle}"


def load(size: str, env: dict, data: dict, duration: int, ports: tuple[int, int, int]) -> list[dict]:
    platform_url, floor_url, peer_url = (f"http://127.0.0.1:{port}" for port in ports)
    cached_url = f"http://127.0.0.1:{ports[0] + 3}"
    platform_halfway, baseline_halfway = halfway_paths(data)
    deep_floor, deep_peer = f"{floor_url}{baseline_halfway}", f"{peer_url}{baseline_halfway}"
    deep_platform = f"{platform_url}{platform_halfway}"
    jwt = {"Authorization": f"Bearer {data['access']}"}
    book_id = data["book"]["id"]
    runs = [
        ("floor: v2 page 1", "floor", f"{floor_url}/books/?limit=20", {}),
        ("peer (FastAPI): v2 page 1", "peer", f"{peer_url}/books/?limit=20", {}),
        ("v2 list page 1", "platform", f"{platform_url}/api/v2/books/?limit=20", {}),
        ("v2 list page 1, JWT", "platform", f"{platform_url}/api/v2/books/?limit=20", jwt),
        ("floor: cursor page halfway", "floor", deep_floor, {}),
        ("peer (FastAPI): cursor page halfway", "peer", deep_peer, {}),
        ("v2 cursor page halfway", "platform", deep_platform, {}),
        ("v1 list (exact count)", "platform", f"{platform_url}/api/v1/books/?limit=20", {}),
        ("floor: detail", "floor", f"{floor_url}/books/{book_id}/", {}),
        ("peer (FastAPI): detail", "peer", f"{peer_url}/books/{book_id}/", {}),
        ("v2 detail", "platform", f"{platform_url}/api/v2/books/{book_id}/", {}),
        ("v1 detail", "platform", f"{platform_url}/api/v1/books/{book_id}/", {}),
        # The same anonymous reads, answered by a second platform server from the shared read cache (Redis).
        ("v2 list page 1, read cache", "cached", f"{cached_url}/api/v2/books/?limit=20", {}),
        ("v2 cursor page halfway, read cache", "cached", deep_platform.replace(platform_url, cached_url), {}),
        ("v1 list, read cache", "cached", f"{cached_url}/api/v1/books/?limit=20", {}),
        ("v2 detail, read cache", "cached", f"{cached_url}/api/v2/books/{book_id}/", {}),
        ("v1 detail, read cache", "cached", f"{cached_url}/api/v1/books/{book_id}/", {}),
    ]
    results = []
    # The platform as measured without the read cache (every read builds its page), and with it (REDIS_URL's default).
    uncached = {**env, "DJANGO_API_READ_CACHE_SECONDS": "0"}
    production = production_python()
    with tempfile.TemporaryDirectory(prefix="bench-catalog-") as workdir:
        servers = {}
        try:
            # One at a time inside the try: a server that fails to start (serve exits) stops those started before it.
            servers["platform"] = serve(
                "bookstore.wsgi", ports[0], uncached, workdir, "platform", "/api/v2/", python=production
            )
            servers["cached"] = serve(
                "bookstore.wsgi", ports[0] + 3, env, workdir, "cached", "/api/v2/", python=production
            )
            servers["floor"] = serve("bench.floor:app", ports[1], env, workdir, "floor", "/books/")
            servers["peer"] = serve("bench.peer_fastapi:app", ports[2], env, workdir, "peer", "/books/", *UVICORN)
            floor_deep_links = f"{deep_floor}&links=1"
            page_1, deep = get(f"{platform_url}/api/v2/books/?limit=20"), get(deep_platform)
            same_books(page_1, get(f"{floor_url}/books/?links=1"), "page 1")
            same_books(deep, get(floor_deep_links), "cursor page halfway")
            same_books(page_1, get(f"{peer_url}/books/?limit=20"), "page 1", "the peer")
            same_books(deep, get(deep_peer), "cursor page halfway", "the peer")
            for name, server, url, headers in runs:
                warm_up(url, headers)
                pid = servers[server].pid
                result = balanced_wrk(pid, urlsplit(url).port, url, headers, duration)
                results.append({"size": size, "name": name, "server": server, **result})
                print(f"  {name:36} {described(result)}", flush=True)
            served = {name: sum(r["requests"] for r in results if r["server"] == name) for name in servers}
            for name, server in servers.items():
                rss = [worker_rss_mb(pid) for pid in children(server.pid)]
                print(
                    f"  RSS per {name} worker after {served[name]:,} requests: {', '.join(f'{m:.0f} MB' for m in rss)}"
                )
        finally:
            stop(servers.values())
    return results


def stop(servers) -> None:
    """Every server asked to stop at once, then waited for; one that does not stop within 30 s is killed."""
    servers = list(servers)
    for server in servers:
        server.terminate()
    for server in servers:
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()


def print_table(results: list[dict]) -> None:
    """The load runs, each with its req/s over the floor's and (the platform's) over the peer's for the same kind
    of request: page 1, the cursor page halfway, or the detail."""

    def kind(row: dict) -> str:
        return "deep" if "halfway" in row["name"] else "detail" if "detail" in row["name"] else "page"

    # The first run of each server for each kind (page 1 without a token) is the one the others are set against.
    references = {}
    for row in results:
        references.setdefault((row["server"], row["size"], kind(row)), row)
    print(
        "\n| books | request | req/s | p50 ms | p99 ms | server CPU ms/req | x floor (req/s) | x peer (req/s) |"
        " connections per worker |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for row in results:
        floor = references.get(("floor", row["size"], kind(row)))
        peer = references.get(("peer", row["size"], kind(row)))
        x_floor = f"{row['rps'] / floor['rps']:.2f}" if floor and row["server"] != "floor" else ""
        x_peer = f"{row['rps'] / peer['rps']:.2f}" if peer and row["server"] in ("platform", "cached") else ""
        print(
            f"| {row['size']} | {row['name']} | {row['rps']:.0f} | {row['p50']:.1f} | {row['p99']:.1f} | "
            f"{row['cpu_ms']:.2f} | {x_floor} | {x_peer} | {'/'.join(map(str, row['connections']))} |"
        )


# In process: the search probe and the per-request harness -------------------------------------------------------


def timed_requests(path: str, params: dict, repeat: int, headers: dict | None = None) -> dict:
    from django.db import connection
    from django.test import Client

    client = Client(**(headers or {}))
    response = client.get(path, params)
    if response.status_code != 200:
        sys.exit(f"{path} {params}: {response.status_code} {response.content[:300]!r}")
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        client.get(path, params)
    walls, cpus = [], []
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        client.get(path, params)
        cpus.append(time.process_time() - cpu)
        walls.append(time.perf_counter() - wall)
    walls.sort()
    return {
        "p50": statistics.median(walls) * 1000,
        "p99": walls[min(len(walls) - 1, int(len(walls) * 0.99))] * 1000,
        "cpu": statistics.mean(cpus) * 1000,
        "queries": len(queries),
        "results": len(body["results"])
        if isinstance(body := json.loads(response.content)["data"], dict) and "results" in body
        else None,
    }


def search_probe(size: str, data: dict, repeat: int) -> None:
    from catalog.isbn import normalize_isbn

    isbn13 = data["book"]["isbn"]
    hyphenated = f"{isbn13[:3]}-{isbn13[3]}-{isbn13[4:8]}-{isbn13[8:12]}-{isbn13[12]}"
    isbn10 = isbn13[3:12] + next(c for c in "0123456789X" if _isbn10_ok(isbn13[3:12] + c))
    if normalize_isbn(isbn10) != isbn13:
        sys.exit(f"ISBN-10 {isbn10} is not {isbn13}")
    author = data["book"]["author_names"].split(",")[0]
    words = data["title"].split()
    classes = [
        ("common word", "river"),
        ("rare word", "zanzibar"),
        ("no match", "xylophonist"),
        ("ISBN-13", isbn13),
        ("ISBN hyphenated", hyphenated),
        ("ISBN-10", isbn10),
        ("author's name", author),
        ("two words", " ".join(words[-2:])),
        ("misspelt (tolkein)", "tolkein"),
    ]
    print(f"\nSearch probe, {size} books, in process (query + serialization), {repeat} requests each, v2 page of 20")
    print("| books | class | search | p50 ms | p99 ms | CPU ms | queries | results |")
    print("|---|---|---|---|---|---|---|---|")
    for name, term in classes:
        r = timed_requests("/api/v2/books/", {"search": term}, repeat)
        print(
            f"| {size} | {name} | `{term}` | {r['p50']:.1f} | {r['p99']:.1f} | {r['cpu']:.2f} | {r['queries']} |"
            f" {r['results']} |",
            flush=True,
        )


def _isbn10_ok(isbn10: str) -> bool:
    return sum((10 - i) * (10 if c == "X" else int(c)) for i, c in enumerate(isbn10)) % 11 == 0


def inprocess(size: str, data: dict, repeat: int) -> None:
    jwt = {"HTTP_AUTHORIZATION": f"Bearer {data['access']}"}
    book = data["book"]["id"]
    cursor_params = {"limit": 20, "cursor": data["cursor"]}
    reads = [
        ("v2 list page 1", "/api/v2/books/", {"limit": 20}, None),
        ("v2 list page 1, JWT", "/api/v2/books/", {"limit": 20}, jwt),
        ("v2 list, 100 a page", "/api/v2/books/", {"limit": 100}, None),
        ("v2 cursor page halfway", "/api/v2/books/", cursor_params, None),
        ("v1 list", "/api/v1/books/", {"limit": 20}, None),
        ("v1 list, JWT", "/api/v1/books/", {"limit": 20}, jwt),
        ("v1 list filtered (in_stock)", "/api/v1/books/", {"limit": 20, "in_stock": "true"}, None),
        ("v2 detail", f"/api/v2/books/{book}/", {}, None),
        ("v1 detail", f"/api/v1/books/{book}/", {}, None),
    ]
    print(f"\nIn process, {size} books: {repeat} requests each (Django test client, no HTTP server)")
    print("| books | request | queries | CPU ms/req | p50 ms | p99 ms |")
    print("|---|---|---|---|---|---|")
    for name, path, params, headers in reads:
        r = timed_requests(path, params, repeat, headers)
        print(f"| {size} | {name} | {r['queries']} | {r['cpu']:.2f} | {r['p50']:.1f} | {r['p99']:.1f} |", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="100k,1m", help="Comma list of 100k, 1m.")
    parser.add_argument("--only", choices=["load", "search", "inprocess"], action="append")
    parser.add_argument("--duration", type=int, default=10, help="Seconds of wrk load per URL.")
    parser.add_argument("--repeat", type=int, default=200, help="Requests per in-process measurement.")
    parser.add_argument(
        "--ports",
        default=f"{PLATFORM_PORT},{FLOOR_PORT},{PEER_PORT}",
        help="The load part's ports: the platform's, the floor's and the peer's, comma separated.",
    )
    args = parser.parse_args()
    parts = args.only or ["load", "search", "inprocess"]
    ports = tuple(int(port) for port in args.ports.split(","))
    if len(ports) != 3:
        parser.error("--ports takes three ports: the platform's, the floor's and the peer's.")
    if "load" in parts:
        peer_installed()
    sizes = [size.strip().lower() for size in args.sizes.split(",")]
    if len(sizes) > 1:
        # Django is set up once per process, on one size's database (every part reads its fixtures there): one
        # process per size.
        for size in sizes:
            subprocess.run(  # noqa: S603
                [PYTHON, __file__, "--sizes", size, "--duration", str(args.duration), "--repeat", str(args.repeat)]
                + ["--ports", args.ports]
                + [f"--only={part}" for part in parts],
                check=True,
            )
        return
    size = sizes[0]
    env = ensure_database(size)
    # The in-process parts measure building the answers: the read cache off (the load part serves it both ways).
    setup_django({**env, "DJANGO_API_READ_CACHE_SECONDS": "0"})
    data = fixtures()
    print(f"\n== {SIZES[size]:,} books (perf_{size}) ==", flush=True)
    if "load" in parts:
        print_table(load(size, env, data, args.duration, ports))
    if "search" in parts:
        search_probe(size, data, max(30, args.repeat // 4))
    if "inprocess" in parts:
        inprocess(size, data, args.repeat)


if __name__ == "__main__":
    main()
