"""Catalog endpoints of v1 and v2: anyone reads, writing needs the model permission (catalog_managers or superuser)."""

from rest_framework.generics import get_object_or_404
from rest_framework.response import Response

from bookstore.api.filters import FilterBackend, StableOrderingFilter
from bookstore.api.viewsets import ByVersion, ResourceViewSet

from .cache import catalog_reads
from .filters import BookFilter, BookSearchFilter, GenreFilter, PublisherFilter
from .models import Author, Book, Genre, Publisher
from .permissions import CatalogPermission
from .representations import book, book_rows, books
from .serializers import AuthorSerializer, BookSerializer, BookV2Serializer, GenreSerializer, PublisherSerializer


class BookViewSet(ResourceViewSet):
    """Books; inactive ones are visible only to those who may change books."""

    # v2 answers with authors, genres, price and availability as objects; both versions take v1's input.
    serializer_class = ByVersion(BookSerializer, v2=BookV2Serializer)
    write_serializer_class = ByVersion(None, v2=BookSerializer)
    permission_classes = [CatalogPermission]
    identity_snapshot_reads = True
    read_cache = catalog_reads
    # Searches are as varied as the words typed: cached, most would fill the cache with pages read once.
    uncached_parameters = frozenset({"search"})
    filter_backends = [FilterBackend, BookSearchFilter, StableOrderingFilter]
    filterset_class = BookFilter
    search_fields = ["title", "subtitle", "credits__author__name", "isbn"]
    # A v2 cursor keeps the position of a non-null field, so the nullable publication date is v1's only.
    ordering_fields = ByVersion(
        ["title", "price", "publication_date", "created_at", "rating_average"],
        v2=["title", "price", "created_at", "rating_average"],
    )

    # Query parameters that neither filter nor search: a list with no others counts from the stored counter.
    unfiltered_parameters = frozenset({"limit", "offset", "ordering"})

    # Reads are built from rows (catalog/representations.py); the serializers validate writes and answer them.

    def get_queryset(self):
        books = Book.objects.visible_to(self.request.user)
        return books if self.reads_rows() else books.with_relations()

    def reads_rows(self):
        """JSON reads are built from rows. The browsable API's HTML pages keep the serializers: their forms are
        filled from the serializer's instance."""
        renderer = getattr(self.request, "accepted_renderer", None)
        return self.action in ("list", "retrieve") and getattr(renderer, "format", "") == "json"

    def list(self, request, *args, **kwargs):
        if not self.reads_rows():
            return super().list(request, *args, **kwargs)
        return self.cached_read(self.list_rows)

    def list_rows(self):
        queryset = self.filter_queryset(self.get_queryset())
        # Annotations (search relevance) stay selected: the order, and so a cursor, may use them.
        rows = self.paginate_queryset(book_rows(queryset, self.request.version, *queryset.query.annotations))
        return self.get_paginated_response(books(rows, self.request.version, using=queryset.db))

    def retrieve(self, request, *args, **kwargs):
        if not self.reads_rows():
            return super().retrieve(request, *args, **kwargs)
        return self.cached_read(self.retrieve_row)

    def retrieve_row(self):
        queryset = book_rows(self.filter_queryset(self.get_queryset()), self.request.version)
        row = get_object_or_404(queryset, pk=self.kwargs["pk"])
        return Response(book(row, self.request.version, using=queryset.db))

    def known_count(self):
        """The exact total of an unfiltered list, without counting rows (None: count the filtered rows)."""
        if not set(self.request.query_params) <= self.unfiltered_parameters:
            return None
        return Book.objects.stored_count(include_inactive=self.request.user.has_perm("catalog.change_book"))


class AuthorViewSet(ResourceViewSet):
    """Authors, editors, translators and illustrators."""

    queryset = Author.objects.all()
    serializer_class = AuthorSerializer
    permission_classes = [CatalogPermission]
    identity_snapshot_reads = True
    search_fields = ["name", "sort_name"]
    ordering_fields = ["sort_name", "name"]


class PublisherViewSet(ResourceViewSet):
    """Publishers."""

    queryset = Publisher.objects.all()
    serializer_class = PublisherSerializer
    permission_classes = [CatalogPermission]
    identity_snapshot_reads = True
    filterset_class = PublisherFilter
    search_fields = ["name"]
    ordering_fields = ["name"]


class GenreViewSet(ResourceViewSet):
    """Genres, as a tree through `parent`."""

    queryset = Genre.objects.all()
    serializer_class = GenreSerializer
    permission_classes = [CatalogPermission]
    identity_snapshot_reads = True
    filterset_class = GenreFilter
    search_fields = ["name"]
    ordering_fields = ["name"]
