"""Catalog endpoints of v1 and v2: anyone reads, writing needs the model permission (catalog_managers or superuser)."""

from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.permissions import DjangoModelPermissionsOrAnonReadOnly

from bookstore.api.filters import StableOrderingFilter
from bookstore.api.viewsets import ByVersion, ResourceViewSet

from .filters import BookFilter, BookSearchFilter, GenreFilter, PublisherFilter
from .models import Author, Book, Genre, Publisher
from .serializers import AuthorSerializer, BookSerializer, BookV2Serializer, GenreSerializer, PublisherSerializer


class BookViewSet(ResourceViewSet):
    """Books; inactive ones are visible only to those who may change books."""

    # v2 answers with authors, genres, price and availability as objects; both versions take v1's input.
    serializer_class = ByVersion(BookSerializer, v2=BookV2Serializer)
    write_serializer_class = ByVersion(None, v2=BookSerializer)
    permission_classes = [DjangoModelPermissionsOrAnonReadOnly]
    filter_backends = [DjangoFilterBackend, BookSearchFilter, StableOrderingFilter]
    filterset_class = BookFilter
    search_fields = ["title", "subtitle", "credits__author__name", "isbn"]
    # A v2 cursor keeps the position of a non-null field, so the nullable publication date is v1's only.
    ordering_fields = ByVersion(
        ["title", "price", "publication_date", "created_at", "rating_average"],
        v2=["title", "price", "created_at", "rating_average"],
    )

    def get_queryset(self):
        return Book.objects.visible_to(self.request.user).with_relations()


class AuthorViewSet(ResourceViewSet):
    """Authors, editors, translators and illustrators."""

    queryset = Author.objects.all()
    serializer_class = AuthorSerializer
    permission_classes = [DjangoModelPermissionsOrAnonReadOnly]
    search_fields = ["name", "sort_name"]
    ordering_fields = ["sort_name", "name"]


class PublisherViewSet(ResourceViewSet):
    """Publishers."""

    queryset = Publisher.objects.all()
    serializer_class = PublisherSerializer
    permission_classes = [DjangoModelPermissionsOrAnonReadOnly]
    filterset_class = PublisherFilter
    search_fields = ["name"]
    ordering_fields = ["name"]


class GenreViewSet(ResourceViewSet):
    """Genres, as a tree through `parent`."""

    queryset = Genre.objects.all()
    serializer_class = GenreSerializer
    permission_classes = [DjangoModelPermissionsOrAnonReadOnly]
    filterset_class = GenreFilter
    search_fields = ["name"]
    ordering_fields = ["name"]
