"""The catalog's shared read cache (bookstore/api/readcache.py): anonymous book reads, made stale by any write to a
table of the catalog app (books, their credits and genres, authors, genres, publishers, the search vocabulary)."""

from bookstore.api.readcache import ReadCache

catalog_reads = ReadCache("catalog", table_prefix="catalog_")
