"""The one place where every app's endpoints join the API. Each version mounts these same URLs in its own
namespace (see bookstore/urls.py): what a version changes is chosen per request in the base viewsets, so a
resource registered here is served by v1 and v2 alike."""

from django.urls import include, path
from rest_framework.permissions import AllowAny
from rest_framework.reverse import reverse
from rest_framework.routers import APIRootView, DefaultRouter

from accounts.views import UserViewSet
from catalog.views import AuthorViewSet, BookViewSet, GenreViewSet, PublisherViewSet
from orders.views import OrderViewSet


class PublicAPIRootView(APIRootView):
    """The bookstore platform's API. Anyone may read the catalog."""

    name = "Bookstore API"
    permission_classes = [AllowAny]
    # After the resources: the signed-in user's cart (not a router resource, so listed here: a client exploring
    # from the root would not find it otherwise; the lines URL takes POST), where to read about them and how to
    # get a token (the auth links take POST).
    more_links = {
        "cart": "cart",
        "cart-items": "cart-item-list",
        "docs": "swagger-ui",
        "redoc": "redoc",
        "schema": "schema",
        "auth-register": "register",
        "auth-token": "token-obtain",
        "auth-token-refresh": "token-refresh",
        "me": "me",
    }

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        namespace = request.resolver_match.namespace
        for key, url_name in self.more_links.items():
            response.data[key] = reverse(f"{namespace}:{url_name}", request=request, format=kwargs.get("format"))
        return response


router = DefaultRouter()
router.APIRootView = PublicAPIRootView
router.register("books", BookViewSet, basename="book")
router.register("authors", AuthorViewSet, basename="author")
router.register("publishers", PublisherViewSet, basename="publisher")
router.register("genres", GenreViewSet, basename="genre")
router.register("users", UserViewSet, basename="user")
router.register("orders", OrderViewSet, basename="order")

urlpatterns = [
    path("", include("bookstore.api.docs")),
    path("", include("accounts.urls")),
    path("", include("orders.urls")),
    path("", include("payments.urls")),
    path("", include("reviews.urls")),
    path("", include(router.urls)),
]
