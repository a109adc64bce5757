"""Router wiring of API v1: limit/offset pages, books with ids for their relations."""

from django.urls import include, path
from rest_framework.permissions import AllowAny
from rest_framework.routers import APIRootView, DefaultRouter

from accounts.views import UserViewSet
from catalog.views import AuthorViewSet, BookViewSet, GenreViewSet, PublisherViewSet


class PublicAPIRootView(APIRootView):
    """The bookstore platform's API. Anyone may read the catalog."""

    permission_classes = [AllowAny]


router = DefaultRouter()
router.APIRootView = PublicAPIRootView
router.register("books", BookViewSet, basename="book")
router.register("authors", AuthorViewSet, basename="author")
router.register("publishers", PublisherViewSet, basename="publisher")
router.register("genres", GenreViewSet, basename="genre")
router.register("users", UserViewSet, basename="user")

urlpatterns = [
    path("", include("bookstore.api.docs")),
    path("", include("accounts.urls")),
    path("", include(router.urls)),
]
