"""Benchmark (not a test): the platform's v2 list against the FastAPI peer's, loaded in turn round after round.

    .venv/bin/python bench/peer_rounds.py                  # 1M books: page 1 and the page halfway, 5 rounds of 6 s
    .venv/bin/python bench/peer_rounds.py --size 100k --pages first --rounds 3 --duration 10

bench/catalog.py loads each server once per URL, and at 1M the peer's gunicorn usually hands all of wrk's
connections to one of its two uvicorn workers, run after run (16/0), so its table has no fair page-1 ratio there.
Here the platform (production settings and packages, the read cache off) and the peer (bench/peer_fastapi.py, 2
uvicorn workers) serve side by side on perf_<size>, answer the same pages (page 1, and the page after the book
halfway through the catalog: the platform's cursor, the peer's title and id; checked field for field), and each
page of each is loaded in turn for every round (each round in the other order), each run started again while its
connections are lopsided (bench/catalog.py's `balanced_wrk`). Prints every run, then per page the medians of the
balanced runs and their ratio, and the ratio of each round whose two runs were both balanced, with their median.
Needs requirements-bench.txt (the peer's packages). Ports 8797, 8798.
"""

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import catalog  # noqa: E402 -- the bench's own helpers, importable once the repository is on the path

PLATFORM_PORT, PEER_PORT = 8797, 8798


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", default="1m", choices=["100k", "1m"])
    parser.add_argument("--pages", default="first,halfway", help="Comma list of first, halfway.")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--duration", type=int, default=6, help="Seconds of wrk load per run.")
    args = parser.parse_args()
    pages = [page for page in args.pages.split(",") if page]
    if not pages or not set(pages) <= {"first", "halfway"}:
        parser.error("--pages takes first, halfway or both, comma separated.")
    catalog.peer_installed()
    python = catalog.production_python()
    size = args.size
    env = catalog.ensure_database(size)
    platform_env = {**env, "DJANGO_API_READ_CACHE_SECONDS": "0"}
    # The cursor and the book halfway through the catalog, read there (Django is set up once: one size a run).
    catalog.setup_django(catalog.environment(f"perf_{size}"))
    data = catalog.fixtures()
    platform_halfway, peer_halfway = catalog.halfway_paths(data)
    paths = {
        "first": {"platform": "/api/v2/books/?limit=20", "peer": "/books/?limit=20"},
        "halfway": {"platform": platform_halfway, "peer": peer_halfway},
    }
    ports = {"platform": PLATFORM_PORT, "peer": PEER_PORT}
    runs = {(page, name): [] for page in pages for name in ports}
    servers = {}
    with tempfile.TemporaryDirectory(prefix="bench-peer-") as workdir:
        try:
            servers["platform"] = catalog.serve(
                "bookstore.wsgi", PLATFORM_PORT, platform_env, workdir, "platform", "/api/v2/", python=python
            )
            servers["peer"] = catalog.serve(
                "bench.peer_fastapi:app", PEER_PORT, env, workdir, "peer", "/books/", *catalog.UVICORN
            )
            for page in pages:
                answers = {name: catalog.get(f"http://127.0.0.1:{ports[name]}{paths[page][name]}") for name in ports}
                catalog.same_books(answers["platform"], answers["peer"], f"page {page}", "the peer")
            for round_ in range(args.rounds):
                for page in pages:
                    # Each round in the other order: a machine whose speed drifts favours neither.
                    for name in ("platform", "peer") if round_ % 2 == 0 else ("peer", "platform"):
                        url = f"http://127.0.0.1:{ports[name]}{paths[page][name]}"
                        catalog.warm_up(url, {})
                        result = catalog.balanced_wrk(servers[name].pid, ports[name], url, {}, args.duration)
                        runs[page, name].append(result)
                        print(f"{size} round {round_ + 1}  {page:7} {name:8} {catalog.described(result)}", flush=True)
        finally:
            catalog.stop(servers.values())
    for page in pages:
        medians = {}
        for name in ports:
            kept = [result for result in runs[page, name] if not catalog.lopsided(result["connections"])]
            if kept:
                medians[name] = statistics.median(result["rps"] for result in kept)
                cpu = statistics.median(result["cpu_ms"] for result in kept)
                print(
                    f"{size} {page} {name}: median {medians[name]:.0f} req/s, {cpu:.2f} ms CPU/req, "
                    f"{len(kept)} balanced"
                )
            else:
                print(f"{size} {page} {name}: no balanced run")
        if len(medians) == 2:
            print(f"{size} {page} platform / peer: {medians['platform'] / medians['peer']:.2f}x")
        # The same ratio round by round, where both runs of the round were balanced: each pair ran a few seconds
        # apart, so a drift of the machine's speed between rounds cancels out of it.
        pairs = [
            platform["rps"] / peer["rps"]
            for platform, peer in zip(runs[page, "platform"], runs[page, "peer"], strict=True)
            if not catalog.lopsided(platform["connections"]) and not catalog.lopsided(peer["connections"])
        ]
        if pairs:
            print(
                f"{size} {page} platform / peer, round by round: {', '.join(f'{ratio:.2f}x' for ratio in pairs)};"
                f" median {statistics.median(pairs):.2f}x"
            )


if __name__ == "__main__":
    main()
