"""An exact count of books that costs O(1) to read, on PostgreSQL: a row per value of is_active, kept by
statement-level triggers in the transaction of every write to catalog_book (services, admin, bulk loads and
raw SQL alike), so the count a v1 book list answers stays exact without a COUNT(*) over the table."""

from django.db import migrations

COUNT_SQL = [
    "CREATE TABLE catalog_book_count (is_active boolean PRIMARY KEY, books bigint NOT NULL)",
    """
    INSERT INTO catalog_book_count (is_active, books)
    SELECT flag, (SELECT count(*) FROM catalog_book WHERE is_active = flag) FROM (VALUES (true), (false)) AS f(flag)
    """,
    """
    CREATE FUNCTION catalog_book_count_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'TRUNCATE' THEN
            UPDATE catalog_book_count SET books = 0;
        ELSIF TG_OP = 'INSERT' THEN
            UPDATE catalog_book_count AS c SET books = c.books + d.n
            FROM (SELECT is_active, count(*) AS n FROM new_rows GROUP BY is_active) AS d
            WHERE c.is_active = d.is_active;
        ELSIF TG_OP = 'DELETE' THEN
            UPDATE catalog_book_count AS c SET books = c.books - d.n
            FROM (SELECT is_active, count(*) AS n FROM old_rows GROUP BY is_active) AS d
            WHERE c.is_active = d.is_active;
        ELSE
            -- Most updates (stock, price) leave is_active alone: then no delta, and the counter row is not locked.
            UPDATE catalog_book_count AS c SET books = c.books + d.n
            FROM (
                SELECT is_active, sum(n) AS n FROM (
                    SELECT is_active, 1 AS n FROM new_rows UNION ALL SELECT is_active, -1 FROM old_rows
                ) AS changes GROUP BY is_active
            ) AS d
            WHERE c.is_active = d.is_active AND d.n <> 0;
        END IF;
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE TRIGGER catalog_book_count_insert AFTER INSERT ON catalog_book
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION catalog_book_count_change()
    """,
    """
    CREATE TRIGGER catalog_book_count_update AFTER UPDATE ON catalog_book
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION catalog_book_count_change()
    """,
    """
    CREATE TRIGGER catalog_book_count_delete AFTER DELETE ON catalog_book
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION catalog_book_count_change()
    """,
    """
    CREATE TRIGGER catalog_book_count_truncate AFTER TRUNCATE ON catalog_book
    FOR EACH STATEMENT EXECUTE FUNCTION catalog_book_count_change()
    """,
]
UNDO_COUNT_SQL = [
    "DROP TRIGGER catalog_book_count_insert ON catalog_book",
    "DROP TRIGGER catalog_book_count_update ON catalog_book",
    "DROP TRIGGER catalog_book_count_delete ON catalog_book",
    "DROP TRIGGER catalog_book_count_truncate ON catalog_book",
    "DROP FUNCTION catalog_book_count_change()",
    "DROP TABLE catalog_book_count",
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in COUNT_SQL:
            schema_editor.execute(sql)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in UNDO_COUNT_SQL:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0005_book_search"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
