"""Benchmark (not a test): the platform's v2 list against the FastAPI peer's, loaded in turn round after round.

    .venv/bin/python bench/peer_rounds.py                  # 1M books, 5 rounds of 6 s each
    .venv/bin/python bench/peer_rounds.py --sizes 100k --rounds 3 --duration 10

bench/catalog.py loads each server once per URL, and at 1M the peer's gunicorn usually hands all of wrk's
connections to one of its two uvicorn workers, run after run (16/0), so its table has no fair page-1 ratio there.
Here the platform (production settings and packages, the read cache off) and the peer (bench/peer_fastapi.py, 2
uvicorn workers) serve side by side on perf_<size>, answer the same page 1 (checked field for field), and page 1 of
each is loaded in turn for every round (each round in the other order), each run started again while its
connections are lopsided (bench/catalog.py's `balanced_wrk`). Prints every run, then the medians of the balanced
runs and their ratio. Needs requirements-bench.txt (the peer's packages). Ports 8797, 8798.
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
    parser.add_argument("--sizes", default="1m", help="Comma list of 100k, 1m.")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--duration", type=int, default=6, help="Seconds of wrk load per run.")
    args = parser.parse_args()
    catalog.peer_installed()
    python = catalog.production_python()
    for size in args.sizes.split(","):
        env = catalog.ensure_database(size)
        platform_env = {**env, "DJANGO_API_READ_CACHE_SECONDS": "0"}
        reads = {
            "platform": (PLATFORM_PORT, "/api/v2/books/?limit=20"),
            "peer": (PEER_PORT, "/books/?limit=20"),
        }
        runs = {"platform": [], "peer": []}
        servers = {}
        with tempfile.TemporaryDirectory(prefix="bench-peer-") as workdir:
            try:
                servers["platform"] = catalog.serve(
                    "bookstore.wsgi", PLATFORM_PORT, platform_env, workdir, "platform", "/api/v2/", python=python
                )
                servers["peer"] = catalog.serve(
                    "bench.peer_fastapi:app", PEER_PORT, env, workdir, "peer", "/books/", *catalog.UVICORN
                )
                pages = {name: catalog.get(f"http://127.0.0.1:{port}{path}") for name, (port, path) in reads.items()}
                catalog.same_books(pages["platform"], pages["peer"], "page 1", "the peer")
                for round_ in range(args.rounds):
                    # Each round in the other order: a machine whose speed drifts favours neither.
                    for name in ("platform", "peer") if round_ % 2 == 0 else ("peer", "platform"):
                        port, path = reads[name]
                        url = f"http://127.0.0.1:{port}{path}"
                        catalog.warm_up(url, {})
                        result = catalog.balanced_wrk(servers[name].pid, port, url, {}, args.duration)
                        runs[name].append(result)
                        print(f"{size} round {round_ + 1}  {name:8} {catalog.described(result)}", flush=True)
            finally:
                catalog.stop(servers.values())
        medians = {}
        for name, results in runs.items():
            kept = [result for result in results if not catalog.lopsided(result["connections"])]
            if kept:
                medians[name] = statistics.median(result["rps"] for result in kept)
                cpu = statistics.median(result["cpu_ms"] for result in kept)
                print(f"{size} {name}: median {medians[name]:.0f} req/s, {cpu:.2f} ms CPU/req, {len(kept)} balanced")
            else:
                print(f"{size} {name}: no balanced run")
        if len(medians) == 2:
            print(f"{size} platform / peer: {medians['platform'] / medians['peer']:.2f}x")


if __name__ == "__main__":
    main()
