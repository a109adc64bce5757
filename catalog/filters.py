"""Filters of the catalog lists."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Exists, OuterRef, Q
from django_filters import rest_framework as filters
from rest_framework.exceptions import ValidationError

from bookstore.api.filters import BoundedSearchFilter, IdFilter, IdInFilter

from .isbn import isbn_search_term, normalize_isbn
from .models import Book, BookAuthor


class CharInFilter(filters.BaseInFilter, filters.CharFilter):
    pass


class BookFilter(filters.FilterSet):
    """Book list filters. Many-to-many filters use EXISTS, so a book never appears twice."""

    author = IdInFilter(method="filter_author", label="Author ids, comma-separated (any of them).")
    genre = CharInFilter(method="filter_genre", label="Genre slugs, comma-separated; a genre includes its sub-genres.")
    publisher = IdFilter(field_name="publisher_id", label="Publisher id.")
    language = filters.CharFilter(label="ISO 639-1 language code.")
    format = filters.ChoiceFilter(choices=Book.Format.choices)
    price_min = filters.NumberFilter(field_name="price", lookup_expr="gte", max_digits=12, decimal_places=2)
    price_max = filters.NumberFilter(field_name="price", lookup_expr="lte", max_digits=12, decimal_places=2)
    in_stock = filters.ChoiceFilter(
        choices=[("true", "true"), ("false", "false")],
        method="filter_in_stock",
        label="true: stock > 0; false: sold out.",
    )
    published_after = filters.DateFilter(field_name="publication_date", lookup_expr="gte")
    published_before = filters.DateFilter(field_name="publication_date", lookup_expr="lte")
    isbn = filters.CharFilter(method="filter_isbn", label="ISBN-13 or ISBN-10, hyphens allowed.")

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
        try:
            return queryset.filter(isbn=normalize_isbn(value))
        except DjangoValidationError as exc:
            raise ValidationError({"isbn": exc.messages}) from exc


class BookSearchFilter(BoundedSearchFilter):
    """Search where a term that is an ISBN in any accepted form matches the stored ISBN-13."""

    def get_search_terms(self, request):
        return [isbn_search_term(term) for term in super().get_search_terms(request)]
