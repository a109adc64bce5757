"""`manage.py check --deploy` warns of a read cache that cannot be exact: one kept in each process's memory does not
see the other processes' writes (bookstore/api/readcache.py needs a shared cache, Redis)."""

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.caches, deploy=True)
def read_cache_is_shared(app_configs, **kwargs):
    backend = settings.CACHES["default"]["BACKEND"]
    if settings.API_READ_CACHE_SECONDS > 0 and backend.endswith(("LocMemCache", "DummyCache")):
        return [
            checks.Warning(
                f"DJANGO_API_READ_CACHE_SECONDS is {settings.API_READ_CACHE_SECONDS} with a per-process cache "
                f"({backend}): a process would answer reads from before another process's write.",
                hint="Set REDIS_URL, or DJANGO_API_READ_CACHE_SECONDS=0.",
                id="catalog.W001",
            )
        ]
    return []
