"""Catalog endpoints of v1 and v2: anyone reads, writing needs the model permission (catalog_managers or superuser)."""

from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.permissions import DjangoModelPermissionsOrAnonReadOnly

from bookstore.api.filters import StableOrderingFilter
from bookstore.api.pagination import CursorPagination
from bookstore.api.viewsets import ModelViewSet

from .filters import BookFilter, BookSearchFilter
from .models import Author, Book, Genre, Publisher
from .serializers import AuthorSerializer, BookSerializer, BookV2Serializer, GenreSerializer, PublisherSerializer


class BookViewSet(ModelViewSet):
    """Books; inactive ones are visible only to those who may change books."""

    serializer_class = BookSerializer
    permission_classes = [DjangoModelPermissionsOrAnonReadOnly]
    filter_backends = [DjangoFilterBackend, BookSearchFilter, StableOrderingFilter]
    filterset_class = BookFilter
    search_fields = ["title", "subtitle", "credits__author__name", "isbn"]
    ordering_fields = ["title", "price", "publication_date", "created_at"]

    def get_queryset(self):
        return Book.objects.visible_to(self.request.user).with_relations()


class AuthorViewSet(ModelViewSet):
    """Authors, editors, translators and illustrators."""

    queryset = Author.objects.all()
    serializer_class = AuthorSerializer
    permission_classes = [DjangoModelPermissionsOrAnonReadOnly]
    search_fields = ["name", "sort_name"]
    ordering_fields = ["sort_name", "name"]


class PublisherViewSet(ModelViewSet):
    """Publishers."""

    queryset = Publisher.objects.all()
    serializer_class = PublisherSerializer
    permission_classes = [DjangoModelPermissionsOrAnonReadOnly]
    filterset_fields = ["country"]
    search_fields = ["name"]
    ordering_fields = ["name"]


class GenreViewSet(ModelViewSet):
    """Genres, as a tree through `parent`."""

    queryset = Genre.objects.all()
    serializer_class = GenreSerializer
    permission_classes = [DjangoModelPermissionsOrAnonReadOnly]
    filterset_fields = ["parent"]
    search_fields = ["name"]
    ordering_fields = ["name"]


# v2: the same resources paged by cursor; books in their richer representation.


class BookV2ViewSet(BookViewSet):
    """Books in v2. Input is as in v1; answers use the v2 representation."""

    serializer_class = BookV2Serializer
    write_serializer_class = BookSerializer
    pagination_class = CursorPagination
    # A cursor keeps the position of a non-null field, so the nullable publication date is left out.
    ordering_fields = ["title", "price", "created_at"]


class AuthorV2ViewSet(AuthorViewSet):
    """Authors in v2."""

    pagination_class = CursorPagination


class PublisherV2ViewSet(PublisherViewSet):
    """Publishers in v2."""

    pagination_class = CursorPagination


class GenreV2ViewSet(GenreViewSet):
    """Genres in v2."""

    pagination_class = CursorPagination
