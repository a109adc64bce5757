"""A URLconf for the exception handler's tests: views that raise what services and models raise."""

from django.core.exceptions import ValidationError
from django.urls import path
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView

from bookstore.api import errors
from catalog.models import Publisher


class ShortOfStock(errors.Conflict):
    code = "insufficient_stock"
    message = "Not enough copies in stock."


class RaisingView(APIView):
    """POST raises the exception built by `make` (the view's one init argument); nothing else happens."""

    permission_classes = [AllowAny]
    authentication_classes = []
    make = None

    def post(self, request):
        raise self.make()


def write_then_refuse():
    Publisher.objects.create(name="Half-written", slug="half-written")
    return errors.Conflict("Refused after writing.")


urlpatterns = [
    path(
        "api/v1/raise/domain/",
        RaisingView.as_view(make=lambda: ShortOfStock(details={"lines": [{"book": 1, "requested": 3}]})),
        name="raise-domain",
    ),
    path("api/v1/raise/domain-default/", RaisingView.as_view(make=errors.InvalidRequest), name="raise-domain-default"),
    path(
        "api/v1/raise/model-validation/",
        RaisingView.as_view(make=lambda: ValidationError({"stock": ["Too low."], "__all__": ["Inconsistent."]})),
        name="raise-model-validation",
    ),
    path(
        "api/v1/raise/plain-validation/",
        RaisingView.as_view(make=lambda: ValidationError("The cart is closed.")),
        name="raise-plain-validation",
    ),
    path("api/v1/raise/after-write/", RaisingView.as_view(make=write_then_refuse), name="raise-after-write"),
    path("api/v1/raise/crash/", RaisingView.as_view(make=lambda: RuntimeError("boom")), name="raise-crash"),
]
