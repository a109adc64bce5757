"""Fill an empty catalog with a large, realistic, reproducible set of books (for benchmarks and load tests)."""

import random
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from tqdm import tqdm

from catalog.isbn import isbn13_check_digit
from catalog.models import Author, Book, BookAuthor, Genre, Publisher
from catalog.search import search_vocabulary_rebuild

CHUNK = 20_000
# From this many books, indexes are built after the load rather than kept up to date during it.
INDEX_REBUILD_FROM = 50_000


def words(text: str) -> list[str]:
    return text.split()


ADJECTIVES = words(
    "Silent Broken Hidden Golden Last Lost Burning Crimson Distant Dark Endless Fallen Forgotten Frozen Gentle "
    "Glass Hollow Iron Little Long Midnight Northern Pale Quiet Restless Secret Shattered Silver Small Southern "
    "Stolen Strange Summer Sweet Twisted Wild Winter Wicked Bright Bitter Brave Cold Deep Empty Final First "
    "Green Hungry Invisible Lonely Narrow Open Painted Perfect Red Salt Savage Scarlet Shadowed Sleeping True"
)

NOUNS = words(
    "River Garden House Mountain Kingdom Shadow Storm Island Road City Forest Sea Mirror Letter Promise Harbor "
    "Orchard Tower Bridge Journey Witness Widow Stranger Daughter Son King Queen Thief Soldier Doctor Painter "
    "Clockmaker Cartographer Light Fire Heart Memory Winter Summer Night Morning Valley Desert Lake Ocean Sky "
    "Star Moon Sun Field Harvest Voyage Archive Library Museum Station Village Empire Republic Crown Sword "
    "Song Dance Silence Secret Lie Truth Game Map Key Door Window Wall Stone Rose Lily Raven Wolf Fox Bear "
    "Horse Hound Tide Wind Rain Snow Ash Dust Glass Paper Ink Salt Bone Blood Gold Silver Iron Ghost Angel "
    "Saint Sinner Hunter Keeper Maker Teacher Student Sister Brother Mother Father Prophet Pilgrim Captain"
)

PLACES = words(
    "Paris Vienna Lisbon Venice Prague Berlin Kyoto Cairo Havana Dublin Edinburgh Istanbul Marrakesh Odessa "
    "Naples Seville Trieste Tangier Bombay Shanghai Alexandria Samarkand Valparaiso Zanzibar Reykjavik"
)

SUBTITLES = [
    "A Novel",
    "Stories",
    "A Memoir",
    "A History",
    "Poems",
    "A Thriller",
    "A Mystery",
    "An Adventure",
    "Essays",
    "A Love Story",
    "A Biography",
    "The Complete Edition",
    "Book One",
    "Book Two",
    "Book Three",
]
FIRST_NAMES = words(
    "James Mary John Patricia Robert Jennifer Michael Linda William Elizabeth David Barbara Richard Susan Joseph "
    "Jessica Thomas Sarah Charles Karen Christopher Nancy Daniel Lisa Matthew Margaret Anthony Betty Mark Sandra "
    "Donald Ashley Steven Dorothy Paul Kimberly Andrew Emily Joshua Donna Kenneth Michelle Kevin Carol Brian "
    "Amanda George Melissa Edward Deborah Ronald Stephanie Timothy Rebecca Jason Laura Jeffrey Helen Ryan Sharon "
    "Jacob Cynthia Gary Kathleen Nicholas Amy Eric Shirley Jonathan Angela Stephen Anna Larry Ruth Justin Brenda "
    "Hans Greta Pierre Amelie Giulia Marco Sofia Lucas Elena Ivan Olga Hiroshi Yuki Chen Mei Ahmed Fatima Kofi "
    "Amara Diego Lucia Mateo Ingrid Lars Astrid Sven Nadia Omar Leila Rafael Ines Tomas Zofia Piotr Anouk Bram"
)

LAST_NAMES = words(
    "Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez Gonzalez Wilson "
    "Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris Sanchez Clark Ramirez Lewis "
    "Robinson Walker Young Allen King Wright Scott Torres Nguyen Hill Flores Green Adams Nelson Baker Hall Rivera "
    "Campbell Mitchell Carter Roberts Muller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann "
    "Dubois Lefebvre Moreau Laurent Simon Michel Rossi Russo Ferrari Esposito Bianchi Romano Colombo Ricci "
    "Marino Greco Ivanov Petrov Sokolov Popov Tanaka Suzuki Takahashi Watanabe Yamamoto Wang Li Zhang Liu Chen "
    "Kowalski Nowak Wisniewski Jansen Visser Bakker Larsen Nielsen Hansen Johansson Andersson Lindqvist Okafor "
    "Mensah Haddad Nasser Costa Silva Santos Oliveira Pereira Almeida Fernandez Alvarez Romero Navarro Dominguez "
    "Byrne Murphy Kelly OBrien Walsh Ryan Doyle McCarthy Gallagher Duffy Ashford Blackwood Thornton Whitaker "
    "Pemberton Hawthorne Fairfax Lockwood Harrow Winslow Sterling Marlowe Ellery Carrow Tolkien Orwell Huxley"
)

PUBLISHER_WORDS = words(
    "Harbor Lantern Meridian Northgate Oakleaf Pelican Quill Riverside Stonebridge Thistle Vantage Willow "
    "Atlas Beacon Cedar Compass Driftwood Ember Fable Granite Heron Inkwell Juniper Kestrel Larkspur Magpie"
)

PUBLISHER_KINDS = ["Press", "Books", "Publishing", "House", "& Sons", "Editions", "Library", "Media"]
COUNTRIES = ["GB", "US", "DE", "FR", "IT", "ES", "NL", "SE", "IE", "CA", "AU"]
GENRE_TREE = {
    "Fiction": ["Literary Fiction", "Historical Fiction", "Short Stories"],
    "Fantasy": ["Epic Fantasy", "Urban Fantasy", "Comic Fantasy"],
    "Science Fiction": ["Space Opera", "Cyberpunk", "Dystopian"],
    "Mystery": ["Detective", "Cozy Mystery", "Noir"],
    "Thriller": ["Psychological Thriller", "Spy Thriller"],
    "Romance": ["Historical Romance", "Contemporary Romance"],
    "Horror": [],
    "Poetry": [],
    "Non-fiction": ["History", "Biography", "Science", "Travel", "Philosophy", "Cookery"],
    "Children's": ["Picture Books", "Young Adult"],
}
LANGUAGES = ["en"] * 14 + ["de", "de", "fr", "fr", "es", "it", "nl", "sv"]
FORMATS = ["paperback"] * 5 + ["hardcover"] * 3 + ["ebook"] * 2 + ["audiobook"]
ROLES = ["author", "author", "editor", "translator", "illustrator"]
EPOCH = datetime(2021, 1, 1, tzinfo=UTC)

BOOK_COLUMNS = [
    "id",
    "title",
    "subtitle",
    "slug",
    "isbn",
    "description",
    "language",
    "pages",
    "publication_date",
    "format",
    "publisher_id",
    "price",
    "currency",
    "stock",
    "is_active",
    "created_at",
    "updated_at",
    "author_names",
    "rating_average",
    "rating_count",
]


def slugify_ascii(text: str) -> str:
    return "-".join("".join(ch if ch.isalnum() else " " for ch in text.lower()).split())


def isbn_for(number: int) -> str:
    first12 = f"978{number:09d}"
    return first12 + isbn13_check_digit(first12)


class Generator:
    """Deterministic data for a seed: the same seed gives the same catalog, row for row."""

    def __init__(self, seed: int, books: int):
        self.rng = random.Random(seed)  # noqa: S311 -- reproducible test data, not secrets
        self.books = books
        # ISBN numbers: an affine map that is a bijection on 0..10^9-1 (the factor is prime to 10), so every
        # book's ISBN is distinct and they look scattered rather than sequential.
        self.isbn_factor = 387_420_489
        self.isbn_offset = self.rng.randrange(10**9)

    def publishers(self, first_id: int) -> list[dict]:
        # At most 200 of the 224 possible names, so that drawing distinct ones always ends quickly.
        count = min(200, max(5, self.books // 2500))
        rows, seen = [], set()
        while len(rows) < count:
            name = f"{self.rng.choice(PUBLISHER_WORDS)} {self.rng.choice(PUBLISHER_KINDS)}"
            if name in seen:
                continue
            seen.add(name)
            slug = slugify_ascii(name)
            rows.append(
                {
                    "id": first_id + len(rows),
                    "name": name,
                    "slug": f"{slug}-{len(rows) + 1}",
                    "website": f"https://www.{slug.replace('-', '')}.example",
                    "country": self.rng.choice(COUNTRIES),
                }
            )
        return rows

    def authors(self, first_id: int) -> list[dict]:
        count = max(10, self.books // 8)
        rows = []
        for n in range(count):
            first, last = self.rng.choice(FIRST_NAMES), self.rng.choice(LAST_NAMES)
            birth = date(1850, 1, 1) + timedelta(days=self.rng.randrange(150 * 365))
            death = birth + timedelta(days=self.rng.randrange(40 * 365, 95 * 365)) if self.rng.random() < 0.3 else None
            rows.append(
                {
                    "id": first_id + n,
                    "name": f"{first} {last}",
                    "slug": f"{slugify_ascii(first)}-{slugify_ascii(last)}-{n + 1}",
                    "sort_name": f"{last}, {first}",
                    "bio": "",
                    "birth_date": birth,
                    "death_date": death,
                }
            )
        return rows

    def genres(self, first_id: int, existing: dict[str, int]) -> list[dict]:
        """The genre tree; a genre whose slug exists already is reused (its row has no "new" mark)."""
        rows = []

        def add(name, parent_id):
            slug = slugify_ascii(name)
            new = slug not in existing
            genre_id = first_id + sum(row["new"] for row in rows) if new else existing[slug]
            rows.append({"id": genre_id, "name": name, "slug": slug, "parent_id": parent_id, "new": new})
            return genre_id

        for parent, children in GENRE_TREE.items():
            parent_id = add(parent, None)
            for child in children:
                add(child, parent_id)
        return rows

    def title(self) -> str:
        rng = self.rng
        pattern = rng.randrange(8)
        adjective, noun, other = rng.choice(ADJECTIVES), rng.choice(NOUNS), rng.choice(NOUNS)
        if pattern == 0:
            return f"The {adjective} {noun}"
        if pattern == 1:
            return f"The {noun} of {rng.choice(PLACES)}"
        if pattern == 2:
            return f"{adjective} {noun}"
        if pattern == 3:
            return f"A {noun} for the {other}"
        if pattern == 4:
            return f"The {noun}'s {other}"
        if pattern == 5:
            return f"{noun} and {other}"
        if pattern == 6:
            return f"The {adjective} {noun} of {rng.choice(PLACES)}"
        return f"{rng.choice(FIRST_NAMES)} and the {adjective} {noun}"

    def book_chunk(self, start: int, stop: int, first_id: int, ids: dict) -> tuple[list, list, list]:
        """Books number `start` to `stop - 1` (ids from `first_id + start`), their credits and genre links."""
        rng = self.rng
        books, credits, links = [], [], []
        authors, publishers, genres = ids["authors"], ids["publishers"], ids["genres"]
        names = ids["author_names"]
        for n in range(start, stop):
            book_id = first_id + n
            title = self.title()
            subtitle = rng.choice(SUBTITLES) if rng.random() < 0.3 else ""
            published = date(1900, 1, 1) + timedelta(days=rng.randrange(125 * 365)) if rng.random() < 0.95 else None
            created = EPOCH + timedelta(seconds=rng.randrange(5 * 365 * 86400))
            byline = rng.sample(authors, 1 if rng.random() < 0.8 else rng.choice((2, 2, 3)))
            books.append(
                (
                    book_id,
                    title,
                    subtitle,
                    f"{slugify_ascii(title)}-{n + 1}",
                    isbn_for((self.isbn_factor * n + self.isbn_offset) % 10**9),
                    "",
                    rng.choice(LANGUAGES),
                    rng.randrange(48, 1200),
                    published,
                    rng.choice(FORMATS),
                    rng.choice(publishers),
                    Decimal(rng.randrange(299, 5999)) / 100,
                    rng.choice(("EUR", "EUR", "GBP", "USD")),
                    0 if rng.random() < 0.15 else rng.randrange(1, 200),
                    rng.random() >= 0.02,
                    created,
                    created,
                    ", ".join(names[author_id] for author_id in byline),
                    0,  # no reviews, so no rating: the stored aggregate agrees with the reviews table
                    0,
                )
            )
            for position, author_id in enumerate(byline):
                credits.append((book_id, author_id, "author" if position == 0 else rng.choice(ROLES), position))
            for genre_id in rng.sample(genres, 1 if rng.random() < 0.6 else 2):
                links.append((book_id, genre_id))
        return books, credits, links


def next_id(model) -> int:
    last = model.objects.order_by("-id").values_list("id", flat=True).first()
    return (last or 0) + 1


class Command(BaseCommand):
    help = (
        "Fill an empty catalog with --books generated books, their authors, publishers and genres: realistic "
        "titles and names, valid ISBN-13s, the same rows for the same --seed. PostgreSQL loads them with COPY."
    )

    def add_arguments(self, parser):
        parser.add_argument("--books", type=int, required=True, help="How many books to generate.")
        parser.add_argument("--seed", type=int, default=1, help="The same seed gives the same catalog (default 1).")
        parser.add_argument("--force", action="store_true", help="Run even under production settings.")

    def handle(self, *args, books, seed, force, **options):
        if settings.SETTINGS_MODULE.endswith(".production") and not force:
            raise CommandError("Refusing to generate a catalog under production settings; pass --force to do so.")
        if books < 1:
            raise CommandError("--books must be at least 1.")
        if Book.objects.exists():
            raise CommandError(
                f"The catalog already has {Book.objects.count()} books: generate into a database without books."
            )
        generator = Generator(seed, books)
        with transaction.atomic():
            rebuilt = self.drop_indexes() if books >= INDEX_REBUILD_FROM else []
            self.load(generator, books)
            if rebuilt:
                with connection.cursor() as cursor:
                    # Check the deferred foreign keys now: PostgreSQL builds no index over pending checks.
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for sql in tqdm(rebuilt, desc="indexes", file=self.stderr._out):
                with connection.cursor() as cursor:
                    cursor.execute(sql)
            self.reset_sequences()
            search_vocabulary_rebuild()
            self.analyze()
        self.stdout.write(self.style.SUCCESS(f"Generated {books} books (seed {seed})."))

    def load(self, generator: Generator, books: int) -> None:
        publishers = generator.publishers(next_id(Publisher))
        authors = generator.authors(next_id(Author))
        genres = generator.genres(next_id(Genre), dict(Genre.objects.values_list("slug", "id")))
        Publisher.objects.bulk_create(Publisher(**row) for row in publishers)
        Genre.objects.bulk_create(
            Genre(**{key: value for key, value in row.items() if key != "new"}) for row in genres if row["new"]
        )
        self.write_rows(
            Author,
            ["id", "name", "slug", "sort_name", "bio", "birth_date", "death_date"],
            [tuple(row.values()) for row in authors],
        )
        ids = {
            "publishers": [row["id"] for row in publishers],
            "authors": [row["id"] for row in authors],
            "genres": [row["id"] for row in genres],
            "author_names": {row["id"]: row["name"] for row in authors},
        }
        first_id = next_id(Book)
        credit_id, link_id = next_id(BookAuthor), next_id(Book.genres.through)
        with tqdm(total=books, unit="book", unit_scale=True, desc="books", file=self.stderr._out) as bar:
            for start in range(0, books, CHUNK):
                stop = min(books, start + CHUNK)
                rows, credits, links = generator.book_chunk(start, stop, first_id, ids)
                self.write_rows(Book, BOOK_COLUMNS, rows)
                self.write_rows(
                    BookAuthor,
                    ["id", "book_id", "author_id", "role", "position"],
                    [(credit_id + i, *credit) for i, credit in enumerate(credits)],
                )
                self.write_rows(
                    Book.genres.through,
                    ["id", "book_id", "genre_id"],
                    [(link_id + i, *link) for i, link in enumerate(links)],
                )
                credit_id += len(credits)
                link_id += len(links)
                bar.update(stop - start)

    def write_rows(self, model, columns: list[str], rows: list[tuple]) -> None:
        if connection.vendor == "postgresql":
            table = model._meta.db_table
            with (
                connection.cursor() as cursor,
                cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy,
            ):
                for row in rows:
                    copy.write_row(row)
            return
        fields = [model._meta.get_field(column).attname if column != "id" else "id" for column in columns]
        model.objects.bulk_create((model(**dict(zip(fields, row, strict=True))) for row in rows), batch_size=500)

    def drop_indexes(self) -> list[str]:
        """On PostgreSQL, drop the book tables' indexes that back no constraint (the search document's GIN index
        above all): building them once after the load is several times faster than keeping them up to date row
        by row. Answers the statements that build them again (inside the same transaction)."""
        if connection.vendor != "postgresql":
            return []
        tables = [model._meta.db_table for model in (Book, BookAuthor, Book.genres.through)]
        with connection.cursor() as cursor:
            cursor.execute(
                """
                SELECT index.indexrelid::regclass::text, pg_get_indexdef(index.indexrelid)
                FROM pg_index AS index
                WHERE index.indrelid = ANY(%s::regclass[])
                  AND NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conindid = index.indexrelid)
                """,
                [tables],
            )
            indexes = cursor.fetchall()
            for name, _ in indexes:
                cursor.execute(f"DROP INDEX {name}")
        return [definition for _, definition in indexes]

    def analyze(self) -> None:
        """On PostgreSQL, gather the book tables' statistics now: a search reads a page in the way the statistics
        of the field documents say is cheapest, and would read every tier through the GIN index until autovacuum
        gets round to it."""
        if connection.vendor != "postgresql":
            return
        with connection.cursor() as cursor:
            for model in (Book, BookAuthor, Book.genres.through):
                cursor.execute(f"ANALYZE {model._meta.db_table}")

    def reset_sequences(self) -> None:
        """COPY with explicit ids leaves the id sequences behind: move them past the new rows."""
        if connection.vendor != "postgresql":
            return
        with connection.cursor() as cursor:
            for model in (Publisher, Author, Genre, Book, BookAuthor, Book.genres.through):
                table = model._meta.db_table
                # Table names come from the models, not from input.
                sql = f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE(MAX(id), 1)) FROM {table}"  # noqa: S608
                cursor.execute(sql)
