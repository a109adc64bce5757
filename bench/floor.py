"""The raw floor of the catalog benchmark: a WSGI app with no framework, where PostgreSQL builds the same v2 book
page the platform answers (the envelope, each book with its authors, genres, price and availability) as JSON
text, and Python only passes it on. No count, as v2 has none. One connection per worker, statements prepared by
psycopg after their fifth use.

    GET /books/?limit=20                         the first page, in (title, id) order
    GET /books/?limit=20&title=...&id=...        the page after the book (title, id), as a v2 cursor does
    GET /books/<id>/                             one book

Serve it as the bench does: gunicorn bench.floor:app --workers 2 (DATABASE_URL names the database).
"""

import json
import os
from urllib.parse import parse_qs

import psycopg

BOOK_JSON = """
json_build_object(
    'id', b.id, 'title', b.title, 'subtitle', b.subtitle, 'slug', b.slug, 'isbn', b.isbn,
    'description', b.description, 'language', b.language, 'pages', b.pages,
    'publication_date', b.publication_date, 'format', b.format, 'publisher', b.publisher_id,
    'authors', COALESCE((
        SELECT json_agg(json_build_object('id', a.id, 'name', a.name, 'role', ba.role) ORDER BY ba.position, ba.id)
        FROM catalog_bookauthor ba JOIN catalog_author a ON a.id = ba.author_id WHERE ba.book_id = b.id
    ), '[]'::json),
    'genres', COALESCE((
        SELECT json_agg(json_build_object('id', g.id, 'name', g.name, 'slug', g.slug) ORDER BY g.name, g.id)
        FROM catalog_book_genres bg JOIN catalog_genre g ON g.id = bg.genre_id WHERE bg.book_id = b.id
    ), '[]'::json),
    'price', json_build_object('amount', b.price::text, 'currency', b.currency),
    'availability', json_build_object('in_stock', b.stock > 0, 'quantity', b.stock),
    'rating', json_build_object(
        'average', CASE WHEN b.rating_count > 0 THEN b.rating_average::text END, 'count', b.rating_count
    ),
    'is_active', b.is_active,
    'created_at', {created_at},
    'updated_at', {updated_at}
)
"""


def iso_utc(column: str) -> str:
    """A timestamp as DRF writes it: ISO 8601 in UTC with Z, microseconds only when there are any."""
    utc = f"({column} AT TIME ZONE 'UTC')"
    return (
        f"to_char({utc}, 'YYYY-MM-DD\"T\"HH24:MI:SS') || "
        f"CASE WHEN to_char({utc}, 'US') = '000000' THEN '' ELSE to_char({utc}, '.US') END || 'Z'"
    )


BOOK_JSON = BOOK_JSON.format(created_at=iso_utc("b.created_at"), updated_at=iso_utc("b.updated_at"))

PAGE_SQL = f"""
WITH page AS (
    SELECT * FROM catalog_book b
    WHERE b.is_active AND (%(id)s::bigint IS NULL OR (b.title, b.id) > (%(title)s::text, %(id)s::bigint))
    ORDER BY b.title, b.id LIMIT %(limit)s + 1
), shown AS (SELECT * FROM page ORDER BY title, id LIMIT %(limit)s)
SELECT json_build_object(
    'success', true,
    'data', json_build_object(
        'more', (SELECT count(*) FROM page) > %(limit)s,
        'last_title', (SELECT title FROM shown ORDER BY title DESC, id DESC LIMIT 1),
        'last_id', (SELECT id FROM shown ORDER BY title DESC, id DESC LIMIT 1),
        'results', COALESCE((SELECT json_agg({BOOK_JSON} ORDER BY b.title, b.id) FROM shown b), '[]'::json)
    ),
    'error', null
)::text
"""  # noqa: S608 -- constant SQL, values are bound parameters

DETAIL_SQL = f"""
SELECT json_build_object('success', true, 'data', {BOOK_JSON}, 'error', null)::text
FROM catalog_book b WHERE b.id = %(id)s AND b.is_active
"""  # noqa: S608

_connection = None


def connection():
    global _connection  # noqa: PLW0603 -- one connection per worker process
    if _connection is None or _connection.closed:
        _connection = psycopg.connect(os.environ["DATABASE_URL"], autocommit=True)
    return _connection


def page(query: dict, base: str) -> bytes | None:
    limit = min(max(int(query.get("limit", ["20"])[0]), 1), 100)
    after_id = int(query["id"][0]) if "id" in query else None
    after_title = query.get("title", [None])[0]
    row = connection().execute(PAGE_SQL, {"limit": limit, "id": after_id, "title": after_title}).fetchone()
    # The next link is made here, as a v2 page's is: PostgreSQL answered whether there is more and where it ends.
    body = json.loads(row[0])
    data = body["data"]
    more, last_title, last_id = data.pop("more"), data.pop("last_title"), data.pop("last_id")
    data["next"] = f"{base}?limit={limit}&id={last_id}&title={last_title}" if more else None
    data["previous"] = None
    body["data"] = {"next": data["next"], "previous": data["previous"], "results": data["results"]}
    return json.dumps(body, separators=(",", ":")).encode()


def page_text(query: dict) -> bytes:
    """The page as PostgreSQL renders it, passed on untouched (what the benchmark loads)."""
    limit = min(max(int(query.get("limit", ["20"])[0]), 1), 100)
    after_id = int(query["id"][0]) if "id" in query else None
    after_title = query.get("title", [None])[0]
    row = connection().execute(PAGE_SQL, {"limit": limit, "id": after_id, "title": after_title}).fetchone()
    return row[0].encode()


def app(environ, start_response):
    path = environ.get("PATH_INFO", "")
    query = parse_qs(environ.get("QUERY_STRING", ""))
    if path == "/books/":
        body = page(query, "/books/") if "links" in query else page_text(query)
    elif path.startswith("/books/") and path.rstrip("/").rsplit("/", 1)[-1].isdigit():
        row = connection().execute(DETAIL_SQL, {"id": int(path.rstrip("/").rsplit("/", 1)[-1])}).fetchone()
        if row is None:
            start_response("404 Not Found", [("Content-Type", "application/json")])
            return [b'{"success":false,"data":null,"error":{"code":"not_found"}}']
        body = row[0].encode()
    else:
        start_response("404 Not Found", [("Content-Type", "application/json")])
        return [b""]
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]
