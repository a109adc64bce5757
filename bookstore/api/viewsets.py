"""The base viewsets of the API: the version switch, and a resource's conditional CRUD."""

from django.db import transaction
from django.db.models import prefetch_related_objects
from django.utils.cache import patch_vary_headers
from rest_framework import status, viewsets
from rest_framework.response import Response

from .conditional import check_if_match, etag_for
from .pagination import KeysetPagination, OffsetPagination


class ByVersion:
    """A viewset attribute whose value depends on the API version of the request being answered.

    `serializer_class = ByVersion(BookSerializer, v2=BookV2Serializer)`: v2 requests see the v2 class,
    every other version the first value. Read on the class (no request), it is that first value.
    """

    def __init__(self, default, **by_version):
        self.default = default
        self.by_version = by_version

    def __get__(self, view, owner=None):
        if view is None:
            return self.default
        version = getattr(getattr(view, "request", None), "version", None)
        return self.by_version.get(version, self.default)


class VersionedViewSet(viewsets.GenericViewSet):
    """A GenericViewSet whose lists page as their version does: v1 by offset, v2 by keyset cursor.

    `write_serializer_class`, when set, validates input while `serializer_class` renders every answer (a
    version whose representation differs from what clients send): one class for every write, or a
    `{action: class}` mapping. The browsable API builds its forms from it, and the schema its request bodies.

    A method the URL does not offer (`PUT` on a list) is a 405 with `Allow` for every caller: DRF would
    check permissions first and answer 401 or 403 about a request that no credentials could make succeed.
    """

    pagination_class = ByVersion(OffsetPagination, v2=KeysetPagination)
    write_serializer_class = None

    def get_serializer_class(self):
        writes = self.write_serializer_class
        if isinstance(writes, dict):
            return writes.get(self.action, self.serializer_class)
        if writes is not None and self.action in ("create", "update", "partial_update"):
            return writes
        return self.serializer_class

    def check_permissions(self, request):
        if request.method not in self.allowed_methods:
            self.http_method_not_allowed(request)
        super().check_permissions(request)


class ResourceViewSet(VersionedViewSet, viewsets.ModelViewSet):
    """Create, read, update and delete one kind of object, with what every resource of the API shares.

    - `write_serializer_class` (see VersionedViewSet) validates input, `serializer_class` renders answers.
    - 201 answers carry the new object's URL in `Location`.
    - JSON answers carry an `ETag` (ApiConditionalGetMiddleware then answers `If-None-Match` with 304);
      `PUT`/`PATCH`/`DELETE` with an `If-Match` that no longer matches are refused with 412.
    """

    # Whether safe requests may authenticate a JWT against the user's cached identity snapshot instead of the
    # database (the authentication class reads it): where a role change made outside the services and the admin
    # may take AUTH_SNAPSHOT_SECONDS to show.
    identity_snapshot_reads = False
    # A ReadCache (bookstore/api/readcache.py) that answers anonymous JSON reads through `cached_read`, or None;
    # reads with any of `uncached_parameters` are not cached (e.g. searches: too varied to be read twice).
    read_cache = None
    uncached_parameters = frozenset()

    def cached_read(self, read):
        """The answer of `read()`, or, for an anonymous GET when the view has a read cache, the cached answer of
        the same URL and media type (bookstore/api/readcache.py); a miss stores what `read()` answers."""
        request, cache = self.request, self.read_cache
        if (
            cache is None
            or not cache.enabled()
            or request.method != "GET"
            or not self.uncached_parameters.isdisjoint(request.query_params)
            or request.user.is_authenticated
        ):
            return read()
        key = cache.entry_key(request.build_absolute_uri(), request.accepted_media_type)
        generation, cached = cache.lookup(key)
        if cached is not None:
            return cached
        if generation is None:  # the cache cannot say what is current: nothing is stored
            return read()
        with cache.reading_to_store():
            response = read()
        response.add_post_render_callback(lambda rendered: cache.store(key, generation, rendered))
        return response

    def represent(self, instance):
        return self.serializer_class(instance, context=self.get_serializer_context()).data

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        self.perform_create(serializer)
        data = self.represent(serializer.instance)
        return Response(data, status=status.HTTP_201_CREATED, headers=self.get_success_headers(data))

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if self._checks_if_match():
            # The object is read once, with its own row locked until the write commits: no other
            # write can land between the If-Match check and this one.
            queryset = queryset.select_for_update(of=("self",))
        return queryset

    def get_object(self):
        instance = super().get_object()
        if self._checks_if_match():
            check_if_match(self.request, etag_for(self.represent(instance)))
        return instance

    def _checks_if_match(self):
        return self.action in ("update", "partial_update", "destroy") and "If-Match" in self.request.headers

    def update(self, request, *args, **kwargs):
        with transaction.atomic():
            instance = self.get_object()
            serializer = self.get_serializer(instance, data=request.data, partial=kwargs.get("partial", False))
            serializer.is_valid(raise_exception=True)
            self.perform_update(serializer)
        # The answer shows the relations as saved, not as prefetched before the write: the same lookups
        # again, so the answer costs a fixed number of queries in every version.
        instance._prefetched_objects_cache = {}
        prefetch_related_objects([instance], *self.get_queryset()._prefetch_related_lookups)
        return Response(self.represent(instance))

    def destroy(self, request, *args, **kwargs):
        with transaction.atomic():
            self.perform_destroy(self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    def get_success_headers(self, data):
        return {"Location": self.reverse_action("detail", args=[data["id"]])}

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        # What a caller may see depends on who they are (inactive books), so caches key on credentials.
        patch_vary_headers(response, ("Authorization", "Cookie"))
        # The ETag tags the JSON representation, writes included, so a client can chain conditional
        # writes without a read. The browsable API's HTML page (navbar, forms) differs by caller and is
        # tagged by its own content instead (ConditionalGetMiddleware).
        renderer = getattr(request, "accepted_renderer", None)
        if (
            response.status_code in (200, 201)
            and getattr(response, "data", None) is not None
            and getattr(renderer, "format", "") == "json"
        ):
            response["ETag"] = etag_for(response.data)
        return response
