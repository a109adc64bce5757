"""Search at catalog scale: the byline's names on the book row, and on PostgreSQL a stored, weighted full-text
search document with a GIN index, plus a vocabulary with a trigram index that corrects misspelt words."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models

FILL_AUTHOR_NAMES_PG = """
UPDATE catalog_book AS book SET author_names = byline.names
FROM (
    SELECT credit.book_id, string_agg(author.name, ', ' ORDER BY credit.position, credit.id) AS names
    FROM catalog_bookauthor AS credit JOIN catalog_author AS author ON author.id = credit.author_id
    GROUP BY credit.book_id
) AS byline
WHERE byline.book_id = book.id
"""

# The 'simple' configuration (lower case, no stemming): titles and names come in many languages, and a
# prefix query ("tolk" finds "Tolkien") needs the words as written.
SEARCH_SQL = [
    """
    ALTER TABLE catalog_book ADD COLUMN search_document tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple'::regconfig, title), 'A')
        || setweight(to_tsvector('simple'::regconfig, author_names), 'B')
        || setweight(to_tsvector('simple'::regconfig, subtitle), 'C')
        || setweight(to_tsvector('simple'::regconfig, isbn), 'D')
    ) STORED
    """,
    "CREATE INDEX catalog_book_search_idx ON catalog_book USING gin (search_document)",
    'CREATE TABLE catalog_search_word (word text COLLATE "C" PRIMARY KEY)',
    "CREATE INDEX catalog_search_word_trgm_idx ON catalog_search_word USING gin (word gin_trgm_ops)",
    """
    INSERT INTO catalog_search_word (word)
    SELECT word FROM ts_stat('SELECT search_document FROM catalog_book') WHERE length(word) >= 3 AND word !~ '[0-9]'
    ON CONFLICT DO NOTHING
    """,
]
UNDO_SEARCH_SQL = [
    "DROP TABLE catalog_search_word",
    "ALTER TABLE catalog_book DROP COLUMN search_document",
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        Book = apps.get_model("catalog", "Book")
        BookAuthor = apps.get_model("catalog", "BookAuthor")
        names = {}
        for book_id, name in BookAuthor.objects.order_by("book_id", "position", "id").values_list(
            "book_id", "author__name"
        ):
            names.setdefault(book_id, []).append(name)
        for book_id, byline in names.items():
            Book.objects.filter(pk=book_id).update(author_names=", ".join(byline))
        return
    schema_editor.execute(FILL_AUTHOR_NAMES_PG)
    for sql in SEARCH_SQL:
        schema_editor.execute(sql)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in UNDO_SEARCH_SQL:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0004_book_rating"),
    ]

    operations = [
        TrigramExtension(),
        migrations.AddField(
            model_name="book",
            name="author_names",
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.RunPython(forwards, backwards),
    ]
