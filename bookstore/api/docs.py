"""Each version's OpenAPI schema, Swagger UI and ReDoc, with their assets served locally (sidecar)."""

from django.http import HttpResponse
from django.urls import path
from django.utils import translation
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView


class CachedSchemaView(SpectacularAPIView):
    """The schema is built from the code alone, so each process builds it once per version, language and
    format (YAML or JSON) and answers every later request with the same bytes."""

    rendered = {}

    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        renderer = request.accepted_renderer
        key = (request.version, translation.get_language(), request.GET.get("lang"), renderer.media_type)
        if key not in self.rendered:
            response = super().get(request, *args, **kwargs)
            content = renderer.render(response.data, request.accepted_media_type, {"request": request})
            self.rendered[key] = (content, response["Content-Disposition"])
        content, disposition = self.rendered[key]
        charset = f"; charset={renderer.charset}" if renderer.charset else ""
        return HttpResponse(
            content,
            content_type=f"{request.accepted_media_type}{charset}",
            headers={"Content-Disposition": disposition},
        )


# Inside a version's namespace: the schema view documents that version only, and "schema"
# resolves to that version's schema URL. Swagger UI's start-up script is a file of its own (the split
# view), so the page needs no inline script under the Content-Security-Policy.
urlpatterns = [
    path("schema/", CachedSchemaView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="swagger-ui"),
    path("redoc/", SpectacularRedocView.as_view(url_name="schema"), name="redoc"),
]
