"""Writes to the catalog that span several models, or that must hold under concurrent writers."""

from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from bookstore.api.errors import Conflict

from .models import Author, Book, BookAuthor, Genre, Publisher
from .search import search_vocabulary_add_books
from .slugs import create_with_unique_slug

# Fields whose words the search document holds (with the byline's names).
SEARCHED_FIELDS = ("title", "subtitle")


@transaction.atomic
def book_create(*, credits: list[dict], genres: list = (), slug: str = "", **fields) -> Book:
    """Create a book with its byline (authors in order, each with a role) and genres. Without a slug,
    one is made from the title, unique also against concurrent creates of the same title."""
    fields["author_names"] = _byline_names(credits)
    if slug:
        book = Book.objects.create(slug=slug, **fields)
    else:
        book = create_with_unique_slug(Book, text=fields["title"], fallback="book", **fields)
    _replace_credits(book, credits)
    book.genres.set(genres)
    search_vocabulary_add_books([book.pk])
    return book


@transaction.atomic
def book_update(*, book: Book, credits: list[dict] | None = None, genres: list | None = None, **fields) -> Book:
    """Change a book's fields; a byline or genre list that is given replaces the old one whole."""
    if credits is not None:
        fields["author_names"] = _byline_names(credits)
    for name, value in fields.items():
        setattr(book, name, value)
    # Only the fields given: two PATCHes of different fields must not undo each other.
    book.save(update_fields=[*fields, "updated_at"])
    if credits is not None:
        _replace_credits(book, credits)
    if genres is not None:
        book.genres.set(genres)
    if credits is not None or any(name in fields for name in SEARCHED_FIELDS):
        search_vocabulary_add_books([book.pk])
    return book


@transaction.atomic
def book_search_refresh(*, book_ids) -> None:
    """Set the byline names (which the search document holds) of these books from their stored credits: for
    writers that change credits without book_create/book_update (the admin's inline forms, bulk loads)."""
    names: dict[int, list[str]] = {book_id: [] for book_id in book_ids}
    credits = BookAuthor.objects.filter(book_id__in=names).order_by("book_id", "position", "id")
    for book_id, name in credits.values_list("book_id", "author__name"):
        names[book_id].append(name)
    for book_id, byline in names.items():
        Book.objects.filter(pk=book_id).update(author_names=", ".join(byline))
    search_vocabulary_add_books(list(names))


def _byline_names(credits: list[dict]) -> str:
    return ", ".join(credit["author"].name for credit in credits)


def _replace_credits(book: Book, credits: list[dict]) -> None:
    book.credits.all().delete()
    BookAuthor.objects.bulk_create(
        BookAuthor(book=book, author=credit["author"], role=credit["role"], position=position)
        for position, credit in enumerate(credits)
    )


@transaction.atomic
def author_create(*, name: str, slug: str = "", **fields) -> Author:
    """Create an author; without a slug, one is made from the name (unique under concurrency)."""
    if slug:
        return Author.objects.create(name=name, slug=slug, **fields)
    return create_with_unique_slug(Author, text=name, fallback="author", name=name, **fields)


@transaction.atomic
def author_update(*, author: Author, **fields) -> Author:
    """Change an author; a new name is also written into the byline names of their books (search)."""
    renamed = "name" in fields and fields["name"] != author.name
    for name, value in fields.items():
        setattr(author, name, value)
    author.save(update_fields=list(fields))
    if renamed:
        book_search_refresh(book_ids=list(author.credits.values_list("book_id", flat=True).distinct()))
    return author


@transaction.atomic
def publisher_create(*, name: str, slug: str = "", **fields) -> Publisher:
    """Create a publisher; without a slug, one is made from the name (unique under concurrency)."""
    if slug:
        return Publisher.objects.create(name=name, slug=slug, **fields)
    return create_with_unique_slug(Publisher, text=name, fallback="publisher", name=name, **fields)


@transaction.atomic
def genre_create(*, name: str, slug: str = "", **fields) -> Genre:
    """Create a genre; without a slug, one is made from the name (unique under concurrency). A new
    genre has no sub-genres, so no parent can make a loop."""
    if slug:
        return Genre.objects.create(name=name, slug=slug, **fields)
    return create_with_unique_slug(Genre, text=name, fallback="genre", name=name, **fields)


@transaction.atomic
def genre_update(*, genre: Genre, **fields) -> Genre:
    """Change a genre. A new parent is checked under row locks on the genre and every ancestor of the
    parent, so that two concurrent moves (A under B, B under A) cannot both pass the check: the
    second waits for the first, then sees its result and is refused."""
    parent = fields.get("parent")
    if parent is not None and parent.pk != genre.parent_id:
        ancestors = _lock_ancestry(genre, parent)
        if genre.pk in ancestors:
            raise ValidationError({"parent": "A genre cannot be placed under itself or one of its sub-genres."})
    for name, value in fields.items():
        setattr(genre, name, value)
    genre.save(update_fields=list(fields))
    return genre


def _lock_ancestry(genre: Genre, parent: Genre) -> list[int]:
    """Lock `genre` and the chain from `parent` up to its root, in primary-key order (concurrent moves
    queue instead of deadlocking); answers the chain's ids as read under the locks."""
    locked: set[int] = set()
    while True:
        chain = _ancestor_ids(parent.pk)
        wanted = {genre.pk, *chain}
        if wanted <= locked:
            return chain  # read again after the locks were taken, so it includes any move that held them
        len(Genre.objects.select_for_update().filter(pk__in=wanted - locked).order_by("pk").values_list("pk"))
        locked |= wanted


def _ancestor_ids(pk: int) -> list[int]:
    """`pk` and its ancestors' ids, nearest first; stops at a loop already in the table."""
    chain: list[int] = []
    while pk is not None and pk not in chain:
        chain.append(pk)
        pk = Genre.objects.filter(pk=pk).values_list("parent_id", flat=True).first()
    return chain


class InsufficientStock(Conflict):
    """Some books are inactive or short of stock; `details.lines` lists every such line."""

    code = "insufficient_stock"
    message = "Some books are not available in the quantities requested."


@transaction.atomic
def stock_reserve(*, lines: Mapping[int, int]) -> dict[int, Book]:
    """Take `lines` ({book id: quantity}) out of stock, all or nothing. The books are locked in id order (two
    checkouts of the same books queue instead of deadlocking), every line is checked before anything is
    written, and one error lists every short line. Answers the books as locked, stock already decremented."""
    books = {book.pk: book for book in Book.objects.select_for_update().filter(pk__in=lines).order_by("id")}
    short = []
    for book_id, requested in sorted(lines.items()):
        book = books.get(book_id)
        available = book.stock if book is not None and book.is_active else 0
        if requested > available:
            short.append({"book": book_id, "requested": requested, "available": available})
    if short:
        raise InsufficientStock(details={"lines": short})
    now = timezone.now()
    for book_id, quantity in lines.items():
        books[book_id].stock -= quantity
        books[book_id].updated_at = now
    Book.objects.bulk_update(books.values(), ["stock", "updated_at"])
    return books


@transaction.atomic
def stock_release(*, lines: Mapping[int, int]) -> None:
    """Put `lines` ({book id: quantity}) back in stock (a cancelled order), locking the books in id order."""
    locked = Book.objects.select_for_update().filter(pk__in=lines).order_by("id").values_list("pk", flat=True)
    for book_id in list(locked):
        Book.objects.filter(pk=book_id).update(stock=F("stock") + lines[book_id], updated_at=timezone.now())


RATING_MIN, RATING_MAX = 1, 5


@transaction.atomic
def book_rating_set(*, book: Book, count: int, total: int) -> Book:
    """Store a book's rating from the `count` visible ratings adding up to `total`: the average to 2 places
    (half up). Exact only when the caller holds the book's row lock (`select_for_update`) from before it
    counted until its transaction commits, as the reviews' services do: every writer then counts after the
    one before it committed. `updated_at` stays: the rating is the readers', not an edit of the book."""
    if count < 0 or not RATING_MIN * count <= total <= RATING_MAX * count:
        raise ValueError(f"{count} ratings of {RATING_MIN} to {RATING_MAX} cannot add up to {total}.")
    average = (Decimal(total) / count).quantize(Decimal("0.01"), ROUND_HALF_UP) if count else Decimal("0.00")
    Book.objects.filter(pk=book.pk).update(rating_average=average, rating_count=count)
    book.rating_average, book.rating_count = average, count
    return book
