"""Benchmark (not a test): instructions per request of the catalog's reads, counted by valgrind, at 1M books.

    .venv/bin/python bench/instructions.py                 # page 1, the page halfway, a detail: 100 requests each
    .venv/bin/python bench/instructions.py --reads first --requests 200

Time on a shared machine drifts by a third from one minute to the next; the instructions a request runs do not
(the same count to within 1-2% from run to run). Each read is served in process (production settings, the read
cache off, Django's test client, as the bench's in-process harness does) under `valgrind --tool=callgrind`, twice:
with 30 warm-up requests only, and with the warm-up and then `--requests` more; the difference, divided, is the
instructions per request of Python, Django and the drivers in this process (PostgreSQL's own work is in its
process, not counted). A change to the read path is measured by running this before and after it. Needs valgrind
(the Debian package) and perf_1m (made by bench/catalog.py if missing).
"""

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import catalog  # noqa: E402 -- the bench's own helpers, importable once the repository is on the path

READS = ("first", "halfway", "detail")
WARM_UP = 30


def serve_requests(read: str, count: int) -> None:
    """Run in the child under valgrind: the warm-up, then `count` requests of `read`."""
    catalog.setup_django({**catalog.environment("perf_1m"), "DJANGO_API_READ_CACHE_SECONDS": "0"})
    data = catalog.fixtures()
    from django.test import Client

    path, params = {
        "first": ("/api/v2/books/", {"limit": 20}),
        "halfway": ("/api/v2/books/", {"limit": 20, "cursor": data["cursor"]}),
        "detail": (f"/api/v2/books/{data['book']['id']}/", {}),
    }[read]
    client = Client()
    for _ in range(WARM_UP + count):
        response = client.get(path, params)
        if response.status_code != 200:
            sys.exit(f"{read}: {response.status_code} {response.content[:300]!r}")


def counted(valgrind: str, read: str, count: int, workdir: str) -> int:
    """The instructions valgrind counts for a child serving the warm-up and `count` requests of `read`."""
    log = Path(workdir) / f"{read}-{count}.log"
    subprocess.run(  # noqa: S603 -- valgrind on this script, fixed arguments
        [
            valgrind, "--tool=callgrind", f"--callgrind-out-file={workdir}/{read}-{count}.out", f"--log-file={log}",
            sys.executable, __file__, "--child", read, str(count),
        ],
        check=True,
    )  # fmt: skip
    match = re.search(r"Collected : (\d+)", log.read_text())
    if match is None:
        sys.exit(f"valgrind printed no count for {read}: see {log}")
    return int(match.group(1))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reads", default=",".join(READS), help=f"Comma list of {', '.join(READS)}.")
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        serve_requests(args.child[0], int(args.child[1]))
        return
    reads = [read for read in args.reads.split(",") if read]
    if not reads or not set(reads) <= set(READS):
        parser.error(f"--reads takes {', '.join(READS)}, comma separated.")
    valgrind = shutil.which("valgrind")
    if valgrind is None:
        sys.exit("valgrind is missing: sudo apt-get install valgrind")
    catalog.ensure_database("1m")
    with tempfile.TemporaryDirectory(prefix="bench-instructions-") as workdir:
        for read in reads:
            base, loaded = counted(valgrind, read, 0, workdir), counted(valgrind, read, args.requests, workdir)
            print(f"{read:8} {(loaded - base) / args.requests / 1e6:.2f}M instructions per request", flush=True)


if __name__ == "__main__":
    main()
