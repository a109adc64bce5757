"""gunicorn's configuration: the Procfile's `web` line runs `gunicorn -c gunicorn.conf.py bookstore.wsgi`.

Why each value, and the measurements behind the worker class: README, "Deploying". Command-line options win
over this file (the scripts pass `--bind` and `--workers` of their own).
"""

import gc
import os

from gunicorn import glogging
from pythonjsonlogger.json import JsonFormatter

# PaaS hosts hand the port in PORT; behind the proxy of deploy/nginx.conf, bind where only it can connect.
bind = [f"0.0.0.0:{os.environ.get('PORT', '8000')}"]

# gthread: each worker accepts connections at once and serves them from a pool of threads. Measured against sync
# and uvicorn workers on a catalog read (bench/worker_classes.sh, README): the most requests per second, and unlike
# sync a worker holds the requests it has accepted, so a SIGTERM finishes them instead of resetting those still
# queued in the kernel.
worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
# Threads per worker, measured on the catalog's reads at 1M books (bench/threads.py, README "Deploying"): 4 served
# about a tenth more than 8 for less CPU per request, mostly with a lower p99 (threads of one worker take turns
# holding the interpreter, and each switch costs), and 2 little more than 4. Each thread is a request that may wait
# on I/O (a payment provider's answer) without holding up the others, so 4 rather than 2.
threads = int(os.environ.get("GUNICORN_THREADS", "4"))

# A worker whose main loop stops answering the master for this long is killed and replaced. (A gthread worker's
# loop keeps running while its threads serve, so this does not cut a slow request short.)
timeout = 30
# On SIGTERM or a reload, a worker stops accepting and finishes what it accepted, for at most this long.
graceful_timeout = 30
# Seconds a kept-alive connection may stay idle. nginx (deploy/nginx.conf) opens a connection per request, so this
# is for direct clients. A load balancer that keeps its connections to gunicorn open needs more than its own idle
# timeout here (--keep-alive 75 behind a 60 s one), or it may send a request down a connection gunicorn is closing.
keepalive = 5
# Replace each worker after about this many requests, each at its own count (jitter), so that memory a worker
# gathers over time is given back and the workers never restart all at once.
max_requests = 1000
max_requests_jitter = 100


def post_worker_init(worker):
    """Once a worker has loaded the app, the objects it holds so far (modules, models, settings: ~100,000) are
    set aside for good (gc.freeze), out of the collector's count. Python runs a full collection only once the
    objects promoted since the last one exceed a quarter of those it holds, so with the app's objects counted,
    the reference cycles each request leaves (request, view, response) piled up (11,000-16,000 unreachable
    objects at a time, measured) and the memory they held stayed spread over the allocator's arenas. Measured
    under gunicorn (2 workers, 8 threads then, 4,000 catalog reads without the read cache): 83-84 MB a worker
    before, 79-80 MB after."""
    gc.collect()
    gc.freeze()


# The proxy's limits are the stricter ones, and it answers them in the envelope (deploy/nginx.conf); gunicorn's
# own answers are HTML. So gunicorn takes whatever the proxy lets through: a request line or a header field up to
# its maximum (8190 bytes; nginx: 4 KiB), and as many fields as fit in nginx's 16 KiB of headers (4 bytes each at
# the least), plus the few nginx adds.
limit_request_line = 8190
limit_request_field_size = 8190
limit_request_fields = 4200

# gunicorn 27's control socket defaults to one path per user ($HOME/.gunicorn/gunicorn.ctl), shared by every
# gunicorn of that user on the host: off, unless GUNICORN_CONTROL_SOCKET names a path of this app's own.
control_socket_disable = not os.environ.get("GUNICORN_CONTROL_SOCKET")
if not control_socket_disable:
    control_socket = os.environ["GUNICORN_CONTROL_SOCKET"]

# Logs: the app writes the one line per request (bookstore.api.middleware.RequestLogMiddleware, event "request":
# method, path, status, duration_ms, user_id, request_id, client), which gunicorn's access log could not (it
# knows neither the user nor the request id nor the trusted client address), so gunicorn writes none; its own
# lines (start, workers, timeouts) are JSON objects of the same shape on stderr.
accesslog = None
errorlog = "-"
loglevel = "info"


class JsonLogger(glogging.Logger):
    """gunicorn's error log (and uvicorn's, under the ASGI worker) as JSON lines, like the app's."""

    def setup(self, cfg):
        super().setup(cfg)
        formatter = JsonFormatter(
            "%(levelname)s %(name)s %(message)s", rename_fields={"levelname": "level", "name": "logger"}, timestamp=True
        )
        for handler in self.error_log.handlers:
            handler.setFormatter(formatter)


logger_class = JsonLogger
