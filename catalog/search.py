"""Book search on PostgreSQL, ranked by where the words are: every word in the title first, then every word in the
title or the byline, then the rest (a word only in the subtitle or the ISBN); equal relevance in title order, then
id. Misspelt words are corrected from a vocabulary through trigram similarity, and ISBNs in any accepted form are
looked up exactly. Other databases use the simple fallback in catalog/filters.py.

PostgreSQL keeps a document per field (migration 0007: title, byline, subtitle and ISBN) beside the whole search
document (migration 0005), each with a GIN index, and the title index holds the title's and byline's documents.
A page in relevance order is read tier by tier (`Search.keyset_rows`): a tier that many books are in is read by
walking the title index in title order until a page of it is found, without reading the table; a tier that few
are in is read through the GIN index and sorted. Which is which comes from PostgreSQL's statistics of the field
documents (read once every few minutes); a walk is bounded, and one that finds too little hands over to the
index, so the statistics choose how a page is read, never what it holds.
"""

import math
import re
import time
from dataclasses import dataclass, field

from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db import connection, connections
from django.db.models import BooleanField, FloatField, Q
from django.db.models.expressions import RawSQL
from django.db.models.sql.where import AND, WhereNode

# A word the vocabulary does not know is replaced by up to this many known words that look like it.
CORRECTIONS = 3
# Letters and digits: the runs PostgreSQL's parser makes words of (it splits at underscores too).
WORD = re.compile(r"[^\W_]+")
# The vocabulary holds the catalog's words, not numbers (an ISBN is looked up exactly, never corrected). Words this
# long or longer match as prefixes; shorter ones ("a", "of") match whole.
PREFIX_LENGTH = 3
# Only words this long are corrected: a short word has too few trigrams for a likeness to mean anything.
MIN_CORRECTED_LENGTH = 4
# A prefix matches the known words that start with it, looked up as words (fast in the GIN index); when more
# than this many start with it, it is matched as a prefix instead (the index then reads them all).
EXPANSIONS = 20

RANK = "search_rank"
# The relevance of a match, best first: every word in the title; every word in the title or the byline; the rest.
TITLE, BYLINE, ELSEWHERE = 3.0, 2.0, 1.0
TIERS = (TITLE, BYLINE, ELSEWHERE)
FIELDS = ("search_title", "search_byline", "search_other")

# A tier is walked in title order when the walk is expected to cost less than reading the tier through the GIN index
# and sorting it: reading a match that way costs about as much as walking INDEX_COST rows of the title index. The
# walk reads at most WINDOW_FACTOR times the rows expected, never more than the index would cost nor WINDOW_MAX,
# before the rest of the tier is read through the GIN index. A tier the statistics cannot tell of (a number, which
# may begin every ISBN or none) is walked PROBE_WINDOW rows before it is read through the GIN index.
INDEX_COST = 5
WINDOW_FACTOR = 3
WINDOW_MAX = 100_000
PROBE_WINDOW = 2_000
# How long a process trusts the statistics it read.
STATISTICS_SECONDS = 600


def is_available(using: str = "default") -> bool:
    return connections[using].vendor == "postgresql"


# The vocabulary also holds, for each word, the first and the last title (in title order) that hold it: a walk of
# the title index for a page of books with the word in their title starts and stops there. Every writer of titles
# widens them (book_create, book_update, book_search_refresh, generate_catalog); nothing narrows them but a rebuild,
# so they stay bounds when a title changes.
TITLE_BOUNDS_SQL = """
    UPDATE catalog_search_word AS known
    SET first_title = LEAST(known.first_title, titled.first_title),
        last_title = GREATEST(known.last_title, titled.last_title)
    FROM (
        SELECT lexeme, min(title) AS first_title, max(title) AS last_title
        FROM catalog_book, unnest(search_title) WHERE {books} GROUP BY lexeme
    ) AS titled
    WHERE known.word = titled.lexeme AND (
        known.first_title IS NULL OR titled.first_title < known.first_title OR titled.last_title > known.last_title
    )
"""


def search_vocabulary_add_books(book_ids) -> None:
    """Add the words of these books' search documents (title, byline, subtitle) to the vocabulary, and widen the
    title bounds of the words in their titles. Words are only ever added: a word that no book uses any more finds
    nothing, which is harmless."""
    if not is_available() or not book_ids:
        return
    book_ids = list(book_ids)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO catalog_search_word (word) SELECT DISTINCT lexeme FROM catalog_book, unnest(search_document) "
            "WHERE id = ANY(%s) AND lexeme !~ '[0-9]' ON CONFLICT DO NOTHING",
            [book_ids],
        )
        # A statement of its own: it sees the words that a concurrent writer added and committed meanwhile.
        cursor.execute(TITLE_BOUNDS_SQL.format(books="id = ANY(%s)"), [book_ids])


def search_vocabulary_rebuild() -> None:
    """Add every word of every book's search document to the vocabulary, and set each word's title bounds from
    every title (after a bulk load)."""
    if not is_available():
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO catalog_search_word (word) "
            "SELECT word FROM ts_stat('SELECT search_document FROM catalog_book') "
            "WHERE word !~ '[0-9]' ON CONFLICT DO NOTHING"
        )
        cursor.execute(TITLE_BOUNDS_SQL.format(books="TRUE"))


def _quoted(lexeme: str) -> str:
    """A lexeme as tsquery input writes it: in quotes, with quotes doubled and backslashes escaped."""
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


@dataclass(frozen=True)
class Word:
    """A searched word as the documents hold it: the known words it stands for (itself, the words that start
    with it, or its corrections), or the prefix it matches when those are too many or none is known. For known
    words, `titles` holds each one's first and last title (None when no title holds it)."""

    lexemes: tuple[str, ...] = ()
    prefix: str = ""
    titles: tuple[tuple[str, str] | None, ...] | None = None

    @property
    def query(self) -> str:
        if self.prefix:
            return f"{_quoted(self.prefix)}:*"
        return " | ".join(map(_quoted, self.lexemes))

    @property
    def in_no_title(self) -> bool:
        return self.titles is not None and not any(self.titles)

    def frequency(self, frequencies: dict[str, float]) -> float | None:
        """The share of books whose field holds this word, by the field's most common words; None for a number
        matched as a prefix, of which the statistics hold nothing (ISBNs are each in one book)."""
        if self.prefix and any(c.isdigit() for c in self.prefix):
            return None
        if self.prefix:
            return sum(share for lexeme, share in frequencies.items() if lexeme.startswith(self.prefix))
        return sum(frequencies.get(lexeme, 0.0) for lexeme in self.lexemes)


def words_for(terms: list[str], using: str = "default") -> list[Word]:
    """The words of the search terms, each as the documents hold it (a query of the vocabulary, and another for
    the words it does not know)."""
    typed = [word.lower() for term in terms for word in WORD.findall(term)]
    looked_up = sorted({word for word in typed if not any(c.isdigit() for c in word)})
    starting = _vocabulary(STARTING_SQL, looked_up, EXPANSIONS + 1, using)
    unknown = [word for word in looked_up if word not in starting and len(word) >= MIN_CORRECTED_LENGTH]
    similar = _vocabulary(SIMILAR_SQL, unknown, CORRECTIONS, using)
    words = []
    for word in typed:
        found = starting.get(word, [])
        found = found if len(found) <= EXPANSIONS else []
        found = found or similar.get(word, [])
        if found:
            words.append(
                Word(
                    lexemes=tuple(lexeme for lexeme, _, _ in found),
                    titles=tuple((first, last) if first is not None else None for _, first, last in found),
                )
            )
        elif len(word) >= PREFIX_LENGTH:
            words.append(Word(prefix=word))
        else:
            words.append(Word(lexemes=(word,)))
    return words


# The known words that start with each typed word, in order (a short word: itself, if known).
STARTING_SQL = f"""
    SELECT typed, word, first_title, last_title FROM unnest(%s::text[]) AS typed CROSS JOIN LATERAL (
        SELECT word, first_title, last_title FROM catalog_search_word
        WHERE word >= typed COLLATE "C" AND word < (typed || chr(1114111)) COLLATE "C"
            AND (length(typed) >= {PREFIX_LENGTH} OR word = typed)
        ORDER BY word LIMIT %s
    ) AS known
"""  # noqa: S608 -- a constant, no input
# The known words most like each typed word: pg_trgm's trigram similarity above its threshold (0.3 by default;
# "tolkein" and "tolkien" score 0.45), found through the vocabulary's trigram index.
SIMILAR_SQL = f"""
    SELECT typed, word, first_title, last_title FROM unnest(%s::text[]) AS typed CROSS JOIN LATERAL (
        SELECT word, first_title, last_title FROM catalog_search_word
        WHERE word %% typed AND length(word) >= {MIN_CORRECTED_LENGTH}
        ORDER BY word <-> typed, word LIMIT %s
    ) AS known
"""  # noqa: S608 -- a constant, no input


def _vocabulary(sql: str, words: list[str], limit: int, using: str) -> dict[str, list[tuple]]:
    """Per typed word, the known words `sql` finds for it, each with its first and last title."""
    found = {}
    if words:
        with connections[using].cursor() as cursor:
            cursor.execute(sql, [words, limit])
            for typed, *known in cursor.fetchall():
                found.setdefault(typed, []).append(tuple(known))
    return found


@dataclass(frozen=True)
class Statistics:
    """What PostgreSQL's statistics (ANALYZE) say of the books: how many there are, and per field document the
    share of books that hold each of its most common words."""

    books: float = 0.0
    fields: dict[str, dict[str, float]] = field(default_factory=dict)


_statistics: dict[str, tuple[float, Statistics]] = {}


def statistics(table: str, using: str) -> Statistics:
    """The books' statistics, read once every STATISTICS_SECONDS per process and database. Empty before the first
    ANALYZE: every tier is then read through the GIN index."""
    read_at, found = _statistics.get(using, (-math.inf, Statistics()))
    if time.monotonic() - read_at < STATISTICS_SECONDS:
        return found
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT greatest(reltuples, 0) FROM pg_class WHERE oid = %s::regclass", [table])
        (books,) = cursor.fetchone()
        cursor.execute(
            "SELECT attname, most_common_elems::text::text[], most_common_elem_freqs FROM pg_stats "
            "WHERE schemaname = current_schema() AND tablename = %s AND attname = ANY(%s)",
            [table, list(FIELDS)],
        )
        # The shares come first; three more numbers (lowest, highest, empty) follow them.
        fields = {
            name: dict(zip(lexemes, shares, strict=False)) for name, lexemes, shares in cursor.fetchall() if lexemes
        }
    found = Statistics(books=books, fields=fields)
    _statistics[using] = (time.monotonic(), found)
    return found


def _less(share, part):
    return None if share is None or part is None else max(0.0, share - part)


def _all(*conditions):
    return " AND ".join(f"({sql})" for sql, _ in conditions), [p for _, params in conditions for p in params]


def _any(*conditions):
    return " OR ".join(f"({sql})" for sql, _ in conditions), [p for _, params in conditions for p in params]


def _not(condition):
    return f"NOT ({condition[0]})", condition[1]


class SearchMatch(RawSQL):
    """The search's condition on the list: every word somewhere in the whole search document."""


class Relevance(RawSQL):
    """The `search_rank` annotation (TITLE, BYLINE or ELSEWHERE), which also reads a page of the list in its
    order (KeysetPagination asks the annotation the order starts with)."""

    def __init__(self, search: "Search"):
        self.search = search
        super().__init__(*search.rank, output_field=FloatField())

    def keyset_rows(self, queryset, ordering, position, limit):
        return self.search.keyset_rows(queryset, ordering, position, limit)


class Search:
    """One search's SQL (the match, each tier's condition, the rank) and how a page in relevance order is read.
    The query texts are bound parameters; the only names put into the SQL are the model's table and columns."""

    def __init__(self, words: list[Word], table: str, using: str):
        self.words, self.table, self.using = words, table, using
        self.t = t = connections[using].ops.quote_name(table)
        every = " & ".join(f"({word.query})" for word in words)
        some = " | ".join(f"({word.query})" for word in words)

        def holds(column, query):
            return f"{t}.{column} @@ %s::tsquery", [query]

        self.match = holds("search_document", every)
        title = holds("search_title", every)
        near = _all(*(_any(holds("search_title", w.query), holds("search_byline", w.query)) for w in words))
        # Each tier's condition implies the match and names the field document its GIN lookup starts from; with
        # one word, "in the byline" and "in the subtitle or ISBN" say all there is to say.
        in_byline, elsewhere = holds("search_byline", some), holds("search_other", some)
        if len(words) > 1:
            in_byline, elsewhere = _all(in_byline, near), _all(elsewhere, self.match)
        self.conditions = {TITLE: title, BYLINE: _all(in_byline, _not(title)), ELSEWHERE: _all(elsewhere, _not(near))}
        case_sql = f"(CASE WHEN {title[0]} THEN {TITLE} WHEN {near[0]} THEN {BYLINE} ELSE {ELSEWHERE} END)::float8"
        self.rank = (case_sql, [*title[1], *near[1]])
        # A title that holds every word lies within every word's title bounds (those of any of its lexemes); no
        # title holds a word that no title holds.
        self.tiers = TIERS[1:] if any(word.in_no_title for word in words) else TIERS
        bounded = [[bounds for bounds in word.titles if bounds] for word in words if word.titles and any(word.titles)]
        self.first = self.last = None
        if bounded:
            firsts = [f"LEAST({', '.join(['%s::text'] * len(b))})" for b in bounded]
            lasts = [f"GREATEST({', '.join(['%s::text'] * len(b))})" for b in bounded]
            self.first = f"GREATEST({', '.join(firsts)})", [first for b in bounded for first, _ in b]
            self.last = f"LEAST({', '.join(lasts)})", [last for b in bounded for _, last in b]
        self._shares = None

    def windows(self, need: int) -> dict[float, int | None]:
        """Per tier, how many rows of the title index to walk for `need` of its books, or None to read it
        through the GIN index: from the share of books expected in the tier (the fields' statistics)."""
        found = statistics(self.table, self.using)
        if self._shares is None:
            # Per word, its share of books in each field; words are taken as independent of each other.
            words = [[w.frequency(found.fields.get(name, {})) for name in FIELDS] for w in self.words]
            title, near, anywhere = (
                None
                if any(None in shares[:n] for shares in words)
                else math.prod(min(1.0, sum(shares[:n])) for shares in words)
                for n in (1, 2, 3)
            )
            self._shares = {TITLE: title, BYLINE: _less(near, title), ELSEWHERE: _less(anywhere, near)}
        windows = {}
        for tier, share in self._shares.items():
            if share is None:
                windows[tier] = PROBE_WINDOW
                continue
            expected = need / share if share else math.inf  # rows of the title index to walk
            indexed = INDEX_COST * share * found.books  # the same cost, read through the GIN index
            walk = expected <= min(indexed, WINDOW_MAX)
            windows[tier] = max(1, math.ceil(min(WINDOW_FACTOR * expected, indexed, WINDOW_MAX))) if walk else None
        return windows

    def keyset_rows(self, queryset, ordering, position, limit):
        """Up to `limit` rows of `queryset` in `ordering` (relevance, title and id, or all three reversed)
        strictly after `position` (a cursor's rank, title and id, or None for the first page), tier by tier;
        None when the list is not one this can read (the paginator then reads it as any other)."""
        forward = ordering == [f"-{RANK}", "title", "id"]
        base = self._base_where(queryset)
        if base is None or not (forward or ordering == [RANK, "-title", "-id"]):
            return None
        queryset = queryset.order_by(*ordering)
        plan = []  # (tier, the title and id its rows come after, or None), in the order they are read
        for tier in self.tiers if forward else self.tiers[::-1]:
            if position is None or (tier < position[0] if forward else tier > position[0]):
                plan.append((tier, None))
            elif tier == position[0]:
                plan.append((tier, (position[1], position[2])))
        rows = []
        while plan and len(rows) < limit:
            need = limit - len(rows)
            windows = self.windows(need)
            if not any(windows[tier] for tier, _ in plan):
                rows += self._indexed(queryset, plan, need, forward)
                break
            tier, after = plan.pop(0)
            if not windows[tier]:
                rows += self._indexed(queryset, [(tier, after)], need, forward)
                continue
            found = self._walk(queryset, base, tier, after, windows[tier], forward, need)
            rows += found
            if len(found) < need:
                # The walk read its whole window: the tier's rest, if the table goes on, through the GIN index.
                end = self._window_end(queryset.db, tier, after, windows[tier], forward)
                if end is not None:
                    rows += self._indexed(queryset, [(tier, end)], need - len(found), forward)
        return rows

    def _after(self, after, forward):
        t = self.t
        return f'({t}."title", {t}."id") {">" if forward else "<"} (%s, %s)', list(after)

    def _range(self, tier, after, forward):
        """The rows of the title index a walk of `tier` reads from (after `after`), as one bound on (title, id)
        that the index starts from, and where it stops: for the title, within the words' title bounds."""
        t = self.t
        row = f'({t}."title", {t}."id")'
        start, stop = (self.first, self.last) if forward else (self.last, self.first)
        if tier != TITLE or start is None:
            return self._after(after, forward) if after else ("TRUE", [])
        sql, params = start
        stops = (f'{t}."title" {"<=" if forward else ">="} {stop[0]}', stop[1])
        if after is None:
            edge = "0" if forward else "9223372036854775807"  # before the first id, or after the last
            return _all((f"{row} {'>' if forward else '<'} ({sql}, {edge})", params), stops)
        pick, beyond, edge = ("GREATEST", ">=", "0") if forward else ("LEAST", "<=", "9223372036854775807")
        bound = (
            f"{row} {'>' if forward else '<'} ({pick}(%s::text, {sql}), "
            f"CASE WHEN %s::text {beyond} {sql} THEN %s ELSE {edge} END)"
        )
        return _all((bound, [after[0], *params, after[0], *params, after[1]]), stops)

    def _indexed(self, queryset, plan, need, forward):
        """The first `need` rows of these tiers (each after its position), through the GIN index and sorted: the
        order by rank leaves the planner no index to walk. When they are every tier from the first there is, they
        are the match itself (less the first tier's rows up to its position): then no tier's condition is offered
        to the planner, whose only GIN lookup is the match's, whatever it guesses of words it cannot see (a plan
        prepared for any words)."""
        first, after = plan[0]
        if tuple(tier for tier, _ in plan) == (self.tiers if forward else self.tiers[::-1]):
            if after is None:
                return list(queryset[:need])
            condition = _any(_not(self.conditions[first]), self._after(after, forward))
        else:
            condition = _any(
                *(
                    self.conditions[t] if a is None else _all(self.conditions[t], self._after(a, forward))
                    for t, a in plan
                )
            )
        condition = RawSQL(*condition, output_field=BooleanField())  # noqa: S611 -- our SQL, bound parameters
        return list(queryset.filter(condition)[:need])

    def _walk(self, queryset, base, tier, after, window, forward, need):
        """The first `need` rows of a tier within the next `window` rows of the title index (after `after`): the
        window is the index read in order (only its columns: is_active, the title's and byline's documents), the
        tier's condition and the list's other filters are checked on it, and the rows found are read by id."""
        t, direction = self.t, "ASC" if forward else "DESC"
        bound = self._range(tier, after, forward)
        condition = self.conditions[tier]
        sql = (
            f'SELECT {t}."id" FROM (SELECT * FROM {t} WHERE {bound[0]} '  # noqa: S608 -- our table and columns
            f'ORDER BY {t}."title" {direction}, {t}."id" {direction} LIMIT %s) AS {t} '
            f"WHERE ({base[0]}) AND ({condition[0]}) LIMIT %s"
        )
        params = [*bound[1], window, *base[1], *condition[1], need]
        inside = RawSQL(f'{t}."id" IN ({sql})', params, output_field=BooleanField())  # noqa: S611
        return list(queryset.filter(inside))

    def _window_end(self, using, tier, after, window, forward):
        """The title and id of the last row of a walk's window, or None when its range ends within it."""
        t, direction = self.t, "ASC" if forward else "DESC"
        bound = self._range(tier, after, forward)
        with connections[using].cursor() as cursor:
            cursor.execute(
                f'SELECT {t}."title", {t}."id" FROM {t} WHERE {bound[0]} '  # noqa: S608 -- our table and columns
                f'ORDER BY {t}."title" {direction}, {t}."id" {direction} OFFSET %s LIMIT 1',
                [*bound[1], window - 1],
            )
            return cursor.fetchone()

    def _base_where(self, queryset):
        """The list's conditions but the match (each tier's condition implies it), as SQL on the book table
        alone; None when the list joins other tables (a walk reads the book table only)."""
        query = queryset.query
        where = query.where
        joined = [alias for alias, uses in query.alias_refcount.items() if uses and alias != query.base_table]
        if joined or where.connector != AND or where.negated:
            return None
        rest = WhereNode(
            [child for child in where.children if not isinstance(getattr(child, "lhs", None), SearchMatch)]
        )
        try:
            return query.get_compiler(queryset.db).compile(rest) if rest.children else ("TRUE", [])
        except FullResultSet:
            return "TRUE", []
        except EmptyResultSet:
            return None


def search(queryset, *, text_terms: list[str], isbns: list[str]):
    """Books matching every term, annotated with their relevance and ordered by it (then title, id)."""
    for isbn in isbns:
        queryset = queryset.filter(isbn=isbn)  # the unique index: an exact lookup
    words = words_for(text_terms, queryset.db)
    if not words:
        return queryset
    found = Search(words, queryset.model._meta.db_table, queryset.db)
    match = SearchMatch(*found.match, output_field=BooleanField())  # noqa: S611 -- our SQL, bound parameters
    return queryset.filter(Q(match)).annotate(**{RANK: Relevance(found)}).order_by(f"-{RANK}", "title", "id")
