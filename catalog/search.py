"""Book search on PostgreSQL: a stored, weighted full-text search document (title A, author names B, subtitle C,
ISBN D; migration 0005) ranked by relevance, with misspelt words corrected from a vocabulary through trigram
similarity, and ISBNs in any accepted form looked up exactly. Other databases use the simple fallback in
catalog/filters.py."""

import re

from django.db import connection, connections
from django.db.models import BooleanField, FloatField, Q
from django.db.models.expressions import RawSQL

# A word the vocabulary does not know is replaced by up to this many known words that look like it.
CORRECTIONS = 3
WORD = re.compile(r"\w+")
# The vocabulary holds words, not numbers (an ISBN is looked up exactly, never corrected). Words this long or
# longer are in it and match as prefixes; shorter ones ("a", "of") match whole.
MIN_VOCABULARY_LENGTH = 3
# Only words this long are corrected: a short word has too few trigrams for a likeness to mean anything.
MIN_CORRECTED_LENGTH = 4

RANK = "search_rank"


def is_available(using: str = "default") -> bool:
    return connections[using].vendor == "postgresql"


def search_vocabulary_add(*texts: str) -> None:
    """Add the words of `texts` (a title, subtitle, byline) to the vocabulary misspellings are corrected from.
    Words are only ever added: a word that no book uses any more finds nothing, which is harmless."""
    if not is_available():
        return
    text = " ".join(t for t in texts if t)
    if not text:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO catalog_search_word (word) SELECT lexeme FROM unnest(to_tsvector('simple', %s)) "
            "WHERE length(lexeme) >= %s AND lexeme !~ '[0-9]' ON CONFLICT DO NOTHING",
            [text, MIN_VOCABULARY_LENGTH],
        )


def search_vocabulary_add_books(book_ids) -> None:
    """Add the words of these books' search documents (title, byline, subtitle) to the vocabulary."""
    if not is_available() or not book_ids:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO catalog_search_word (word) SELECT DISTINCT lexeme FROM catalog_book, unnest(search_document) "
            "WHERE id = ANY(%s) AND length(lexeme) >= %s AND lexeme !~ '[0-9]' ON CONFLICT DO NOTHING",
            [list(book_ids), MIN_VOCABULARY_LENGTH],
        )


def search_vocabulary_rebuild() -> None:
    """Add every word of every book's search document to the vocabulary (after a bulk load)."""
    if not is_available():
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO catalog_search_word (word) "
            "SELECT word FROM ts_stat('SELECT search_document FROM catalog_book') "
            "WHERE length(word) >= %s AND word !~ '[0-9]' ON CONFLICT DO NOTHING",
            [MIN_VOCABULARY_LENGTH],
        )


def corrections(words: list[str], using: str = "default") -> dict[str, list[str]]:
    """For each word that no vocabulary word starts with, the known words most like it (one query). Likeness is
    pg_trgm's trigram similarity above its threshold (0.3 by default; "tolkein" and "tolkien" score 0.45), found
    through the vocabulary's trigram index."""
    words = [word for word in words if len(word) >= MIN_CORRECTED_LENGTH and not any(c.isdigit() for c in word)]
    if not words:
        return {}
    with connections[using].cursor() as cursor:
        cursor.execute(
            """
            SELECT typed, ARRAY(
                SELECT word FROM catalog_search_word WHERE word %% typed
                ORDER BY word <-> typed, word LIMIT %s
            )
            FROM unnest(%s::text[]) AS typed
            WHERE NOT EXISTS (
                SELECT 1 FROM catalog_search_word
                WHERE word >= typed COLLATE "C" AND word < (typed || chr(1114111)) COLLATE "C"
            )
            """,
            [CORRECTIONS, words],
        )
        return {typed: found for typed, found in cursor.fetchall() if found}


def tsquery_for(terms: list[str], using: str = "default") -> str | None:
    """A to_tsquery() text: every term must match (AND); a word matches as a prefix ("tolk" finds "tolkien"),
    and a word the vocabulary does not know matches any of its corrections instead."""
    words = [[word.lower() for word in WORD.findall(term)] for term in terms]
    fixes = corrections(sorted({word for group in words for word in group}), using)
    parts = []
    for group in words:
        for word in group:
            alternatives = fixes.get(word)
            if alternatives:
                parts.append("(" + " | ".join(f"'{alt}'" for alt in alternatives) + ")")
            elif len(word) >= MIN_VOCABULARY_LENGTH:
                parts.append(f"'{word}':*")
            else:
                parts.append(f"'{word}'")
    return " & ".join(parts) if parts else None


def search(queryset, *, text_terms: list[str], isbns: list[str]):
    """Books matching every term, annotated with their relevance and ordered by it (then title, id)."""
    for isbn in isbns:
        queryset = queryset.filter(isbn=isbn)  # the unique index: an exact lookup
    query = tsquery_for(text_terms, queryset.db)
    if query is None:
        return queryset
    # The query text is a bound parameter; the only text put into the SQL is the model's own table name.
    document = f'"{queryset.model._meta.db_table}".search_document'
    matches = RawSQL(  # noqa: S611
        f"{document} @@ to_tsquery('simple', %s)",
        [query],
        output_field=BooleanField(),
    )
    # float8: a cursor carries the rank as text, and must compare equal to the rank it was read from.
    rank = RawSQL(  # noqa: S611
        f"ts_rank({document}, to_tsquery('simple', %s))::float8",
        [query],
        output_field=FloatField(),
    )
    return queryset.filter(Q(matches)).annotate(**{RANK: rank}).order_by(f"-{RANK}", "title", "id")
