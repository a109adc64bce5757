"""Load the demo catalog from catalog/data/demo_catalog.json; running it again changes nothing."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import transaction

from catalog.models import Author, Book, BookAuthor, Genre, Publisher
from catalog.services import book_search_refresh

DEFAULT_PATH = Path(__file__).resolve().parents[2] / "data" / "demo_catalog.json"


class Command(BaseCommand):
    help = (
        "Load the demo catalog. Rows are matched by slug (books by ISBN); rows that exist already are "
        "left as they are, so staff edits survive and a second run changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--path", type=Path, default=DEFAULT_PATH, help="The JSON file to load.")

    @transaction.atomic
    def handle(self, *args, path, **options):
        data = json.loads(path.read_text(encoding="utf-8"))
        publishers = {
            row["slug"]: Publisher.objects.get_or_create(slug=row["slug"], defaults=row)[0]
            for row in data["publishers"]
        }
        authors = {
            row["slug"]: Author.objects.get_or_create(slug=row["slug"], defaults=row)[0] for row in data["authors"]
        }
        genres = {}
        for row in data["genres"]:  # parents come before their children in the file
            fields = {**row, "parent": genres[row["parent"]] if row["parent"] else None}
            genres[row["slug"]] = Genre.objects.get_or_create(slug=row["slug"], defaults=fields)[0]

        created = []
        for row in data["books"]:
            fields = {key: value for key, value in row.items() if key not in ("authors", "genres", "publisher")}
            book, was_created = Book.objects.get_or_create(
                isbn=row["isbn"], defaults={**fields, "publisher": publishers[row["publisher"]]}
            )
            if was_created:
                created.append(book.pk)
                BookAuthor.objects.bulk_create(
                    BookAuthor(book=book, author=authors[credit["author"]], role=credit["role"], position=position)
                    for position, credit in enumerate(row["authors"])
                )
                book.genres.set([genres[slug] for slug in row["genres"]])
        book_search_refresh(book_ids=created)

        self.stdout.write(
            self.style.SUCCESS(
                f"Demo catalog: {len(data['books'])} books ({len(created)} new), {len(authors)} authors, "
                f"{len(publishers)} publishers, {len(genres)} genres."
            )
        )
