"""The peer of the catalog benchmark: the v2 book list and detail as an ordinary FastAPI + SQLAlchemy app would
serve them, the comparison point of issue 13 ("FastAPI + SQLAlchemy in the seed's style, no count").

It is written as a typical team writes such an app, neither slowed down nor tuned (beyond sizing the connection
pool to the load, as a deployment does): SQLAlchemy 2.0 ORM models mapped onto the platform's tables (each
mirrors its Django model's columns), the relations eager-loaded (the byline with selectinload, each credit's
author joined to it, the genres with selectinload: three queries a page, like the platform's), Pydantic v2
response models, sync `def` endpoints (FastAPI runs them in its thread pool) with a Session per request from a
sessionmaker over the engine's connection pool (psycopg 3). No raw SQL, no count, no caching. It answers the
same books as the platform's v2 list, field for field, in the same envelope; its cursor is the last book's
(title, id) in plain query parameters, as bench/floor.py takes it.

    GET /books/?limit=20                         the first page, in (title, id) order
    GET /books/?limit=20&title=...&id=...        the page after the book (title, id)
    GET /books/<id>/                             one book

Serve it as the bench does (DATABASE_URL names the database; postgres:// URLs are taken as psycopg's):

    gunicorn bench.peer_fastapi:app --workers 2 --worker-class uvicorn_worker.UvicornWorker

It needs the packages of requirements-bench.txt (FastAPI, SQLAlchemy), which the platform does not; uvicorn and
uvicorn-worker are the platform's own (requirements.txt), without the optional uvloop and httptools (with them,
in a trial by hand, the peer's page 1 moved by less than the noise between runs).
"""

import os
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated
from urllib.parse import urlencode

from fastapi import Depends, FastAPI, HTTPException, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import BigInteger, Column, ForeignKey, Table, create_engine, select, tuple_
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship, selectinload, sessionmaker
from starlette.exceptions import HTTPException as StarletteHTTPException

# The database ------------------------------------------------------------------------------------------------


def database_url() -> str:
    url = os.environ["DATABASE_URL"]
    for scheme in ("postgres://", "postgresql://"):
        if url.startswith(scheme):
            return "postgresql+psycopg://" + url.removeprefix(scheme)
    return url


# The pool keeps as many connections as the bench's concurrent requests (wrk's 16), as a deployment sizes it to its
# load: with the default (5, and 10 more opened and closed as needed) a worker under that load opens a connection
# for about one request in eleven. The platform writes its timestamps in UTC: so does every connection.
engine = create_engine(database_url(), pool_size=16, connect_args={"options": "-c timezone=UTC"})
SessionLocal = sessionmaker(engine)


def get_session():
    with SessionLocal() as session:
        yield session


# The models: the platform's tables (catalog/models.py) --------------------------------------------------------


class Base(DeclarativeBase):
    pass


class Author(Base):
    __tablename__ = "catalog_author"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    name: Mapped[str]
    slug: Mapped[str]
    sort_name: Mapped[str]
    bio: Mapped[str]
    birth_date: Mapped[date | None]
    death_date: Mapped[date | None]


class Genre(Base):
    __tablename__ = "catalog_genre"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    name: Mapped[str]
    slug: Mapped[str]
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("catalog_genre.id"))


book_genres = Table(
    "catalog_book_genres",
    Base.metadata,
    Column("id", BigInteger, primary_key=True),
    Column("book_id", ForeignKey("catalog_book.id"), nullable=False),
    Column("genre_id", ForeignKey("catalog_genre.id"), nullable=False),
)


class BookAuthor(Base):
    """One credit of a book's byline."""

    __tablename__ = "catalog_bookauthor"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    book_id: Mapped[int] = mapped_column(ForeignKey("catalog_book.id"))
    author_id: Mapped[int] = mapped_column(ForeignKey("catalog_author.id"))
    role: Mapped[str]
    position: Mapped[int]

    author: Mapped[Author] = relationship()


class Book(Base):
    __tablename__ = "catalog_book"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    title: Mapped[str]
    subtitle: Mapped[str]
    slug: Mapped[str]
    isbn: Mapped[str]
    description: Mapped[str]
    language: Mapped[str]
    pages: Mapped[int]
    publication_date: Mapped[date | None]
    format: Mapped[str]
    publisher_id: Mapped[int] = mapped_column(BigInteger)
    price: Mapped[Decimal]
    currency: Mapped[str]
    stock: Mapped[int]
    is_active: Mapped[bool]
    rating_average: Mapped[Decimal]
    rating_count: Mapped[int]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    author_names: Mapped[str]

    # The byline in its order, the genres by name (as the platform's models order them).
    credits: Mapped[list[BookAuthor]] = relationship(order_by=(BookAuthor.position, BookAuthor.id))
    genres: Mapped[list[Genre]] = relationship(secondary=book_genres, order_by=(Genre.name, Genre.id))


# The response models: the platform's v2 book -------------------------------------------------------------------


class AuthorCredit(BaseModel):
    id: int
    name: str
    role: str


class GenreRef(BaseModel):
    id: int
    name: str
    slug: str


class Price(BaseModel):
    amount: Decimal
    currency: str


class Availability(BaseModel):
    in_stock: bool
    quantity: int


class Rating(BaseModel):
    average: Decimal | None
    count: int


class BookOut(BaseModel):
    id: int
    title: str
    subtitle: str
    slug: str
    isbn: str
    description: str
    language: str
    pages: int
    publication_date: date | None
    format: str
    publisher: int
    authors: list[AuthorCredit]
    genres: list[GenreRef]
    price: Price
    availability: Availability
    rating: Rating
    is_active: bool
    created_at: datetime
    updated_at: datetime

    @classmethod
    def from_book(cls, book: Book) -> "BookOut":
        return cls(
            id=book.id,
            title=book.title,
            subtitle=book.subtitle,
            slug=book.slug,
            isbn=book.isbn,
            description=book.description,
            language=book.language,
            pages=book.pages,
            publication_date=book.publication_date,
            format=book.format,
            publisher=book.publisher_id,
            authors=[AuthorCredit(id=c.author.id, name=c.author.name, role=c.role) for c in book.credits],
            genres=[GenreRef(id=g.id, name=g.name, slug=g.slug) for g in book.genres],
            price=Price(amount=book.price, currency=book.currency),
            availability=Availability(in_stock=book.stock > 0, quantity=book.stock),
            rating=Rating(average=book.rating_average if book.rating_count else None, count=book.rating_count),
            is_active=book.is_active,
            created_at=book.created_at,
            updated_at=book.updated_at,
        )


class BookPage(BaseModel):
    results: list[BookOut]
    next: str | None
    previous: str | None


class Error(BaseModel):
    code: str
    message: str
    details: dict | None = None


class PageEnvelope(BaseModel):
    success: bool = True
    data: BookPage
    error: Error | None = None


class BookEnvelope(BaseModel):
    success: bool = True
    data: BookOut
    error: Error | None = None


# The endpoints -------------------------------------------------------------------------------------------------

app = FastAPI(title="Catalog peer", docs_url=None, redoc_url=None, openapi_url=None)


@app.exception_handler(StarletteHTTPException)
def envelope_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    code = {404: "not_found"}.get(exc.status_code, "error")
    return JSONResponse(
        {"success": False, "data": None, "error": {"code": code, "message": exc.detail, "details": None}},
        status_code=exc.status_code,
    )


def with_relations(statement):
    return statement.options(
        selectinload(Book.credits).joinedload(BookAuthor.author),
        selectinload(Book.genres),
    )


@app.get("/books/")
def list_books(
    request: Request,
    session: Annotated[Session, Depends(get_session)],
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    title: str | None = None,
    id: int | None = None,
) -> PageEnvelope:
    statement = select(Book).where(Book.is_active).order_by(Book.title, Book.id).limit(limit + 1)
    if title is not None and id is not None:
        statement = statement.where(tuple_(Book.title, Book.id) > tuple_(title, id))
    books = session.scalars(with_relations(statement)).all()
    next_url = None
    if len(books) > limit:
        books = books[:limit]
        last = books[-1]
        next_url = f"{request.url.path}?{urlencode({'limit': limit, 'title': last.title, 'id': last.id})}"
    return PageEnvelope(
        data=BookPage(results=[BookOut.from_book(book) for book in books], next=next_url, previous=None)
    )


@app.get("/books/{book_id}/")
def get_book(book_id: int, session: Annotated[Session, Depends(get_session)]) -> BookEnvelope:
    statement = with_relations(select(Book).where(Book.id == book_id, Book.is_active))
    book = session.scalars(statement).one_or_none()
    if book is None:
        raise HTTPException(status_code=404, detail="No book with this id.")
    return BookEnvelope(data=BookOut.from_book(book))
