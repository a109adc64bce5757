"""OpenAPI generation that tells the truth about the envelope, the errors and the headers."""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework.permissions import SAFE_METHODS, AllowAny, DjangoModelPermissionsOrAnonReadOnly, IsAuthenticated
from rest_framework_simplejwt.views import TokenViewBase

from .conditional import IF_MATCH
from .filters import ListFilter
from .names import article, model_of
from .serializers import StrictFieldsMixin
from .viewsets import ResourceViewSet, VersionedViewSet

ERROR_ENVELOPE = {"$ref": "#/components/schemas/ErrorEnvelope"}
NULL = {"type": "object", "nullable": True, "enum": [None]}

ERROR_DESCRIPTIONS = {
    "400": "Invalid input (`validation_error`, `parse_error`); `details` names the fields.",
    "401": "Missing, invalid, expired or revoked credentials (`not_authenticated`, `token_not_valid`).",
    "403": "Authenticated, but not allowed (`permission_denied`).",
    "404": "No such object, or one the caller may not see (`not_found`).",
    "409": "The write conflicts with the current state, e.g. the object is still referred to (`conflict`).",
    "412": "`If-Match` does not match the current ETag (`precondition_failed`); nothing was changed.",
    "413": "The body is larger than the server accepts (`payload_too_large`).",
    "415": "The body's media type is not accepted (`unsupported_media_type`).",
    "429": "Too many requests from this client (`throttled`); `Retry-After` says when to try again.",
    "503": "The database is unavailable (`service_unavailable`); `Retry-After` says when to try again.",
}

# The component every error response refers to; added by the `add_error_component` hook.
ERROR_ENVELOPE_COMPONENT = {
    "type": "object",
    "description": "The envelope of every error response.",
    "additionalProperties": False,
    "required": ["success", "data", "error"],
    "properties": {
        "success": {"type": "boolean", "enum": [False]},
        "data": NULL,
        "error": {
            "type": "object",
            "additionalProperties": False,
            "required": ["code", "message", "details"],
            "properties": {
                "code": {"type": "string", "pattern": "^[a-z_]+$", "description": "Stable machine code."},
                "message": {"type": "string", "description": "One human sentence."},
                "details": {
                    "type": "object",
                    "nullable": True,
                    "additionalProperties": True,
                    "description": "For `validation_error`: each field (or `non_field_errors`) with its messages.",
                },
            },
        },
    },
    "example": {
        "success": False,
        "data": None,
        "error": {
            "code": "validation_error",
            "message": "Invalid input in: isbn.",
            "details": {"isbn": ["“978-0-306-40615-8” is not a valid ISBN-13: its check digit is wrong."]},
        },
    },
}

# `*`, or a comma-separated list of entity tags (RFC 9110), or empty (no precondition): anything else is a 400.
ETAGS = {"type": "string", "pattern": f"^{IF_MATCH.pattern}$"}

# Headers of a resource's conditional requests and Location, and every operation's Retry-After:
# (methods of a ResourceViewSet, or None for every operation; name; type; answered with; meaning).
HEADERS = [
    (("GET",), "If-None-Match", OpenApiTypes.STR, False, "An ETag from an earlier read: 304 if it still matches."),
    (("GET",), "ETag", OpenApiTypes.STR, [200], "Entity tag of this representation."),
    (
        ("PUT", "PATCH", "DELETE"),
        "If-Match",
        ETAGS,
        False,
        "The ETag read before: 412 if the object changed since.",
    ),
    (("POST",), "Location", OpenApiTypes.URI, [201], "URL of the new object."),
    (None, "Retry-After", OpenApiTypes.INT, [429, 503], "Seconds to wait before trying again."),
]


# Every answer carries its request's id (bookstore/api/middleware.py), documented once and referred to by every
# response, so that a generated client can read it.
REQUEST_ID_HEADER = {
    "description": (
        "The request's id, as the log lines of this request carry it: the proxy's `X-Request-ID` when it looks "
        "like one, else a new one. Quote it when reporting a problem."
    ),
    "schema": {"type": "string"},
    "required": True,
}


def add_request_id_header(result, generator, request, public):
    """Postprocessing hook: every response of every operation has the `X-Request-ID` header."""
    result.setdefault("components", {}).setdefault("headers", {})["RequestId"] = REQUEST_ID_HEADER
    for path in result.get("paths", {}).values():
        for operation in path.values():
            for response in operation.get("responses", {}).values():
                response.setdefault("headers", {})["X-Request-ID"] = {"$ref": "#/components/headers/RequestId"}
    return result


def add_error_component(result, generator, request, public):
    """Postprocessing hook: register the ErrorEnvelope component."""
    result.setdefault("components", {}).setdefault("schemas", {})["ErrorEnvelope"] = ERROR_ENVELOPE_COMPONENT
    return result


def allow_empty_query_values(result, generator, request, public):
    """Postprocessing hook: an optional query parameter sent empty (`?isbn=`, as HTML forms send every
    field) counts as not sent, in every filter and in pagination; the schema says so."""
    for path in result.get("paths", {}).values():
        for operation in path.values():
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "query" and not parameter.get("required"):
                    parameter["allowEmptyValue"] = True
                if parameter.get("in") == "path" and not parameter.get("description"):
                    parameter["description"] = f"The {parameter['name']} of the object."
    return result


# The security schemes in the order clients should try them, with what each is for. Swagger UI's
# "Authorize" dialog lists them in this order: a JWT pasted into the first one goes out as a Bearer header.
SECURITY_SCHEMES = {
    "jwtAuth": "An access token from `POST auth/token/`, sent as `Authorization: Bearer <access>`.",
    "cookieAuth": (
        "The session cookie of the browsable API's login (`/api-auth/login/`); writes also need the CSRF "
        "token. Scripts and Swagger UI send the Bearer token instead."
    ),
}


def order_security_schemes(result, generator, request, public):
    """Postprocessing hook: the security schemes in the order of SECURITY_SCHEMES (drf-spectacular sorts
    components by name, which put `cookieAuth` first), each with its description."""
    schemes = result.get("components", {}).get("securitySchemes")
    if schemes:
        ordered = {
            name: {**schemes[name], "description": text} for name, text in SECURITY_SCHEMES.items() if name in schemes
        }
        result["components"]["securitySchemes"] = {**ordered, **schemes, **ordered}
    return result


def success_envelope(data_schema):
    return {
        "type": "object",
        "additionalProperties": False,
        "required": ["success", "data", "error"],
        "properties": {"success": {"type": "boolean", "enum": [True]}, "data": data_schema, "error": NULL},
    }


# A summary per viewset action: what ReDoc and Swagger UI show as the operation's title.
ACTION_SUMMARIES = {
    "list": "List {plural}",
    "create": "Create {a}",
    "retrieve": "Read {a}",
    "update": "Replace {a}",
    "partial_update": "Update {a}",
    "destroy": "Delete {a}",
}
ANONYMOUS_TOO = "No credentials needed. A token, when sent, must be valid, and the answer is what that caller may see."


class EnvelopeAutoSchema(AutoSchema):
    """Wraps every success body in the envelope and adds each error response an operation can give."""

    def get_summary(self):
        """A viewset's actions read "List books", "Create a book", ...; other views give their name."""
        action = getattr(self.view, "action", None)
        model = model_of(self.view)
        if action in ACTION_SUMMARIES and model is not None:
            meta = model._meta
            return ACTION_SUMMARIES[action].format(plural=meta.verbose_name_plural, a=article(meta.verbose_name))
        return self.view.get_view_name()

    def get_operation(self, *args, **kwargs):
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        security = operation.get("security", [])
        if {} in security or not security:
            # No credentials needed. OpenAPI allows saying "optional" with an empty requirement among the
            # others, but openapi-python-client (0.29) reads any requirement as "needs an AuthenticatedClient";
            # an empty list is what generators read as public. A token that is sent must still be valid
            # (the 401 stays documented), and it changes what the caller sees: the description says so.
            operation["security"] = []
            if any(security):
                operation["description"] = f"{operation.get('description', '')}\n\n{ANONYMOUS_TOO}".strip()
        return operation

    def _get_filter_parameters(self):
        # A filter whose schema is declared on its class (extend_schema_field) loses its label on the
        # way; the label is the parameter's description. A list filter takes repeated keys, as generated
        # clients send a list (and commas too, which the description says).
        parameters = super()._get_filter_parameters()
        fields = self._filter_fields()
        for parameter in parameters:
            field = fields.get(parameter["name"])
            if field is None:
                continue
            if isinstance(field, ListFilter):
                parameter["description"] = f"{field.label} {field.list_hint.format(name=parameter['name'])}"
                parameter["explode"] = True
            elif not parameter.get("description") and field.label:
                parameter["description"] = str(field.label)
        return parameters

    def _filter_fields(self):
        fields = {}
        for backend in self.get_filter_backends():
            get_filterset_class = getattr(backend(), "get_filterset_class", None)
            if get_filterset_class is None:
                continue
            queryset = getattr(type(self.view), "queryset", None)
            if queryset is None and model_of(self.view) is not None:
                queryset = model_of(self.view)._default_manager.none()
            filterset_class = get_filterset_class(self.view, queryset)
            if filterset_class is not None:
                fields.update(filterset_class.base_filters)
        return fields

    def get_override_parameters(self):
        parameters = list(super().get_override_parameters())
        for methods, name, kind, response, description in HEADERS:
            if methods is None or (self.method in methods and isinstance(self.view, ResourceViewSet)):
                parameters.append(
                    OpenApiParameter(name, kind, OpenApiParameter.HEADER, description=description, response=response)
                )
        return parameters

    def _postprocess_serializer_schema(self, schema, serializer, direction):
        """A strict serializer's request body: unknown keys are refused (`additionalProperties: false`),
        and its read-only fields may be sent back, to be ignored."""
        strict = direction == "request" and isinstance(serializer, StrictFieldsMixin)
        sent_back = {}
        if strict:
            for name, field in schema.get("properties", {}).items():
                if field.get("readOnly"):
                    sent_back[name] = {"nullable": True, "description": "Read-only: when sent back, it is ignored."}
        schema = super()._postprocess_serializer_schema(schema, serializer, direction)
        if strict:
            schema.setdefault("properties", {}).update(sent_back)
            schema["additionalProperties"] = False
        return schema

    def get_response_serializers(self):
        # A viewset with a separate write serializer answers with its read serializer.
        if isinstance(self.view, VersionedViewSet) and self.view.write_serializer_class is not None:
            return self.view.serializer_class
        return super().get_response_serializers()

    def get_auth(self):
        auth = super().get_auth()
        anonymous_reads = any(
            isinstance(permission, DjangoModelPermissionsOrAnonReadOnly) for permission in self.view.get_permissions()
        )
        if auth and anonymous_reads and self.method in SAFE_METHODS and {} not in auth:
            auth.append({})
        return auth

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code, response in responses.items():
            if not code.startswith("2") or code == "204":
                continue
            content = response.setdefault("content", {"application/json": {"schema": NULL}})
            for media in content.values():
                media["schema"] = success_envelope(media.get("schema", NULL))
        if self.method == "GET" and isinstance(self.view, ResourceViewSet):
            responses["304"] = {"description": "Not modified: the `If-None-Match` ETag still matches."}
        for code in self.error_codes():
            responses[code] = self._get_response_for_code(ERROR_ENVELOPE, code)
            responses[code]["description"] = ERROR_DESCRIPTIONS[code]
        return dict(sorted(responses.items()))

    def error_codes(self):
        view, method = self.view, self.method
        writes = method in ("POST", "PUT", "PATCH")
        codes = {"503"}
        if writes or self._is_list_view() or self.get_filter_backends():
            codes.add("400")
        if self.get_auth() or isinstance(view, TokenViewBase):
            codes.add("401")
        if self._may_deny(view, method):
            codes.add("403")
        if "{" in self.path:
            codes.add("404")
        if method in ("POST", "PUT", "PATCH", "DELETE") and hasattr(view, "get_queryset"):
            codes.add("409")
        if method in ("PUT", "PATCH", "DELETE") and isinstance(view, ResourceViewSet):
            codes.update({"400", "412"})  # a malformed If-Match, one that no longer matches
        if writes:
            codes.update({"413", "415"})
        if view.get_throttles() or (writes and view.throttle_classes):
            codes.add("429")
        return sorted(codes)

    @staticmethod
    def _may_deny(view, method):
        """Whether a signed-in caller can be refused with 403 (a CSRF failure of a session counts)."""
        if method not in SAFE_METHODS and view.authentication_classes:
            return True
        for permission in view.get_permissions():
            if isinstance(permission, AllowAny):
                continue
            if isinstance(permission, DjangoModelPermissionsOrAnonReadOnly) and method in SAFE_METHODS:
                continue
            if isinstance(permission, IsAuthenticated):
                continue
            return True
        return False
