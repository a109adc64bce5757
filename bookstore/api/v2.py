"""Router wiring of API v2: the same resources, paged by cursor, books in a richer representation."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from accounts.views import UserV2ViewSet
from catalog.views import AuthorV2ViewSet, BookV2ViewSet, GenreV2ViewSet, PublisherV2ViewSet

from .v1 import PublicAPIRootView

router = DefaultRouter()
router.APIRootView = PublicAPIRootView
router.register("books", BookV2ViewSet, basename="book")
router.register("authors", AuthorV2ViewSet, basename="author")
router.register("publishers", PublisherV2ViewSet, basename="publisher")
router.register("genres", GenreV2ViewSet, basename="genre")
router.register("users", UserV2ViewSet, basename="user")

urlpatterns = [
    path("", include("bookstore.api.docs")),
    path("", include("accounts.urls")),
    path("", include(router.urls)),
]
