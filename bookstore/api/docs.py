"""Each version's OpenAPI schema, Swagger UI and ReDoc, with their assets served locally (sidecar)."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

# Inside a version's namespace: the schema view documents that version only, and "schema"
# resolves to that version's schema URL.
urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    path("redoc/", SpectacularRedocView.as_view(url_name="schema"), name="redoc"),
]
