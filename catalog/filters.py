"""Filters of the catalog lists: one FilterSet per filterable model, with explicit fields."""

import re

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Exists, OuterRef, Q
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema_field
from rest_framework.exceptions import ValidationError

from bookstore.api.filters import (
    AmountFilter,
    BoundedSearchFilter,
    IdFilter,
    IdInFilter,
    IsoDateFilter,
    ListFilter,
    PatternDecimalField,
)

from . import search
from .isbn import isbn_search_term, normalize_isbn
from .models import Book, BookAuthor, Genre, Publisher


@extend_schema_field({"type": "string", "minLength": 1})
class CharInFilter(ListFilter, filters.CharFilter):
    """A list of strings."""


# Digits, X and hyphens, 10 to 17 characters: the forms an ISBN-10 or ISBN-13 is written in.
ISBN_PATTERN = r"^[0-9Xx-]{10,17}$"


@extend_schema_field({"type": "string", "pattern": ISBN_PATTERN})
class ISBNFilter(filters.CharFilter):
    """An ISBN in any accepted form."""


# 1 to 5 with up to two decimals: the values an average rating takes.
RATING = re.compile(r"[1-4](\.[0-9]{1,2})?|5(\.00?)?")


@extend_schema_field({"type": "string", "pattern": f"^(?:{RATING.pattern})$"})
class RatingFilter(filters.NumberFilter):
    """An average rating from 1 to 5, e.g. 4 or 3.5."""

    field_class = PatternDecimalField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, pattern=RATING, message="Enter a rating from 1 to 5, e.g. 3.5.", **kwargs)


class PublisherFilter(filters.FilterSet):
    """Publisher list filters."""

    country = filters.CharFilter(label="ISO 3166 country code, e.g. GB.")

    class Meta:
        model = Publisher
        fields = ["country"]


class GenreFilter(filters.FilterSet):
    """Genre list filters."""

    parent = IdFilter(field_name="parent_id", label="Id of the parent genre: its sub-genres.")

    class Meta:
        model = Genre
        fields = ["parent"]


class BookFilter(filters.FilterSet):
    """Book list filters. Many-to-many filters use EXISTS, so a book never appears twice."""

    author = IdInFilter(method="filter_author", label="Author ids (any of them).")
    genre = CharInFilter(method="filter_genre", label="Genre slugs (any of them); a genre includes its sub-genres.")
    publisher = IdFilter(field_name="publisher_id", label="Publisher id.")
    language = filters.CharFilter(label="ISO 639-1 language code, e.g. en.")
    format = filters.ChoiceFilter(choices=Book.Format.choices, label="The edition's format.")
    price_min = AmountFilter(field_name="price", lookup_expr="gte", label="Lowest price, e.g. 5.00.")
    price_max = AmountFilter(field_name="price", lookup_expr="lte", label="Highest price, e.g. 20.00.")
    in_stock = filters.ChoiceFilter(
        choices=[("true", "true"), ("false", "false")],
        method="filter_in_stock",
        label="true: stock > 0; false: sold out.",
    )
    published_after = IsoDateFilter(
        field_name="publication_date", lookup_expr="gte", label="Published on or after this date (YYYY-MM-DD)."
    )
    published_before = IsoDateFilter(
        field_name="publication_date", lookup_expr="lte", label="Published on or before this date (YYYY-MM-DD)."
    )
    rating_min = RatingFilter(
        field_name="rating_average",
        lookup_expr="gte",
        label="Lowest average rating (1 to 5), e.g. 4; unrated books are left out.",
    )
    isbn = ISBNFilter(method="filter_isbn", label="ISBN-13 or ISBN-10, hyphens allowed; a wrong check digit is a 400.")

    class Meta:
        model = Book
        fields = [
            "author",
            "genre",
            "publisher",
            "language",
            "format",
            "price_min",
            "price_max",
            "in_stock",
            "published_after",
            "published_before",
            "rating_min",
            "isbn",
        ]

    def filter_author(self, queryset, name, value):
        credits = BookAuthor.objects.filter(book=OuterRef("pk"), author_id__in=value)
        return queryset.filter(Exists(credits))

    def filter_genre(self, queryset, name, value):
        links = Book.genres.through.objects.filter(
            Q(genre__slug__in=value) | Q(genre__parent__slug__in=value), book=OuterRef("pk")
        )
        return queryset.filter(Exists(links))

    def filter_in_stock(self, queryset, name, value):
        return queryset.filter(stock__gt=0) if value == "true" else queryset.filter(stock=0)

    def filter_isbn(self, queryset, name, value):
        if not re.fullmatch(ISBN_PATTERN, value):
            raise ValidationError({"isbn": ["Enter an ISBN: digits (and X, hyphens), 10 to 17 characters."]})
        try:
            return queryset.filter(isbn=normalize_isbn(value))
        except DjangoValidationError as exc:
            raise ValidationError({"isbn": exc.messages}) from exc


class BookSearchFilter(BoundedSearchFilter):
    """Search where a term that is an ISBN in any accepted form matches the stored ISBN-13.

    On PostgreSQL: full-text search of the stored search document, ranked by relevance (unless `ordering` is
    given), with misspelt words corrected and ISBNs looked up exactly (catalog/search.py). Elsewhere: DRF's
    search, each term matched anywhere in the search fields.
    """

    def get_search_terms(self, request):
        return [isbn_search_term(term) for term in super().get_search_terms(request)]

    def filter_queryset(self, request, queryset, view):
        if not self.searched(request):
            return queryset
        if not search.is_available(queryset.db):
            return super().filter_queryset(request, queryset, view)
        terms = super().get_search_terms(request)
        if not terms:
            return queryset
        isbns, words = [], []
        for term in terms:
            try:
                isbns.append(normalize_isbn(term))
            except DjangoValidationError:
                words.append(term)
        return search.search(queryset, text_terms=words, isbns=isbns)
