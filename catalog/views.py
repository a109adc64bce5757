"""v1 catalog endpoints: anyone reads, writing needs the model permission (catalog_managers or superuser)."""

from rest_framework.permissions import DjangoModelPermissionsOrAnonReadOnly

from bookstore.api.viewsets import ModelViewSet

from .filters import BookFilter
from .models import Author, Book, Genre, Publisher
from .serializers import AuthorSerializer, BookSerializer, GenreSerializer, PublisherSerializer


class BookViewSet(ModelViewSet):
    """Books; inactive ones are visible only to those who may change books."""

    serializer_class = BookSerializer
    permission_classes = [DjangoModelPermissionsOrAnonReadOnly]
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
