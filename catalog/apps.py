from django.apps import AppConfig
from django.db.backends.signals import connection_created


class CatalogConfig(AppConfig):
    name = "catalog"
    verbose_name = "Catalog"

    def ready(self):
        from . import checks  # noqa: F401 - registers the read cache's deploy check
        from .cache import catalog_reads

        # Every database connection of the process watches for writes to the catalog's tables (catalog/cache.py).
        connection_created.connect(catalog_reads.install, weak=False, dispatch_uid="catalog_reads")
