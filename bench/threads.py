"""Benchmark (not a test): how many threads a gthread worker should run, on the catalog's reads at 1M books.

    .venv/bin/python bench/threads.py                     # 8, 4 and 2 threads, 3 rounds of 6 s per URL
    .venv/bin/python bench/threads.py --threads 8,4 --rounds 5 --duration 10

Serves the platform once per thread count (production settings and packages, gunicorn.conf.py, 2 workers, the
read cache off so that every read builds its answer) side by side on perf_1m (made by bench/catalog.py if
missing), then loads each server in turn with `wrk -t2 -c16` on the v2 list page, the same with a JWT, the v1
list and a v2 detail, round after round so that a busy spell of the machine falls on every configuration alike.
Runs whose connections landed mostly on one worker are started again (bench/catalog.py's `balanced_wrk`). Prints
every run, then the medians of req/s, server CPU per request and p50/p99, and each worker's RSS at the end.
Ports 8790 and up.
"""

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import catalog  # noqa: E402 -- the bench's own helpers, importable once the repository is on the path

PORT = 8790


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--threads", default="8,4,2", help="Comma list of thread counts per worker.")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=int, default=6, help="Seconds of wrk load per run.")
    args = parser.parse_args()
    counts = list(dict.fromkeys(int(count) for count in args.threads.split(",")))

    env = {**catalog.ensure_database("1m"), "DJANGO_API_READ_CACHE_SECONDS": "0"}
    python = catalog.production_python()
    catalog.setup_django(catalog.environment("perf_1m"))
    data = catalog.fixtures()
    jwt = {"Authorization": f"Bearer {data['access']}"}
    reads = {
        "v2 list page 1": ("/api/v2/books/?limit=20", {}),
        "v2 list page 1, JWT": ("/api/v2/books/?limit=20", jwt),
        "v1 list": ("/api/v1/books/?limit=20", {}),
        "v2 detail": (f"/api/v2/books/{data['book']['id']}/", {}),
    }
    runs = {}
    with tempfile.TemporaryDirectory(prefix="bench-threads-") as workdir:
        servers = {}
        try:
            for index, count in enumerate(counts):
                servers[count] = catalog.serve(
                    "bookstore.wsgi", PORT + index, env, workdir, f"t{count}", "/api/v2/", "--threads", str(count),
                    python=python,
                )  # fmt: skip
            for round_ in range(args.rounds):
                for name, (path, headers) in reads.items():
                    for index, (count, server) in enumerate(servers.items()):
                        url = f"http://127.0.0.1:{PORT + index}{path}"
                        catalog.warm_up(url, headers)
                        result = catalog.balanced_wrk(server.pid, PORT + index, url, headers, args.duration)
                        runs.setdefault((name, count), []).append(result)
                        print(f"round {round_ + 1}  {name:22} {count} threads {catalog.described(result)}", flush=True)
            rss = {
                count: [catalog.worker_rss_mb(pid) for pid in catalog.children(s.pid)] for count, s in servers.items()
            }
        finally:
            catalog.stop(servers.values())
    print(f"\nMedians of {args.rounds} rounds, 1M books, 2 workers, wrk -t2 -c16 -d{args.duration}s")
    print("| request | threads | req/s | server CPU ms/req | p50 ms | p99 ms |")
    print("|---|---|---|---|---|---|")
    for (name, count), results in runs.items():
        median = {key: statistics.median(r[key] for r in results) for key in ("rps", "cpu_ms", "p50", "p99")}
        print(
            f"| {name} | {count} | {median['rps']:.0f} | {median['cpu_ms']:.2f} | {median['p50']:.1f} |"
            f" {median['p99']:.1f} |"
        )
    for count, sizes in rss.items():
        print(f"RSS per worker, {count} threads: {', '.join(f'{size:.0f} MB' for size in sizes)}")


if __name__ == "__main__":
    main()
