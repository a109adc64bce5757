"""The base viewset of the API."""

from django.db import transaction
from rest_framework import status, viewsets
from rest_framework.response import Response

from .conditional import check_if_match, etag_for


class ModelViewSet(viewsets.ModelViewSet):
    """DRF's ModelViewSet with three additions every resource shares.

    - `write_serializer_class`, when set, validates input while `serializer_class` renders every
      answer (a version whose representation differs from what clients send).
    - 201 answers carry the new object's URL in `Location`.
    - Answers carry an `ETag` (Django's ConditionalGetMiddleware then answers `If-None-Match` with
      304); `PUT`/`PATCH`/`DELETE` with an `If-Match` that no longer matches are refused with 412.
    """

    write_serializer_class = None

    def get_serializer_class(self):
        if self.write_serializer_class is not None and self.action in ("create", "update", "partial_update"):
            return self.write_serializer_class
        return self.serializer_class

    def represent(self, instance):
        return self.serializer_class(instance, context=self.get_serializer_context()).data

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        self.perform_create(serializer)
        data = self.represent(serializer.instance)
        return Response(data, status=status.HTTP_201_CREATED, headers=self.get_success_headers(data))

    def get_checked_object(self):
        """The object to write; with an If-Match, re-read under a row lock and checked against it,
        so that no other write lands between the check and this one. Call inside a transaction."""
        instance = self.get_object()
        if "If-Match" in self.request.headers:
            type(instance).objects.select_for_update().filter(pk=instance.pk).exists()
            instance = self.get_object()
            check_if_match(self.request, etag_for(self.represent(instance)))
        return instance

    def update(self, request, *args, **kwargs):
        with transaction.atomic():
            instance = self.get_checked_object()
            serializer = self.get_serializer(instance, data=request.data, partial=kwargs.get("partial", False))
            serializer.is_valid(raise_exception=True)
            self.perform_update(serializer)
        # The answer shows the relations as saved, not as prefetched before the write.
        serializer.instance._prefetched_objects_cache = {}
        return Response(self.represent(serializer.instance))

    def destroy(self, request, *args, **kwargs):
        with transaction.atomic():
            self.perform_destroy(self.get_checked_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    def get_success_headers(self, data):
        return {"Location": self.reverse_action("detail", args=[data["id"]])}

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        # Writes answer the new ETag too, so a client can chain conditional writes without a read.
        if response.status_code in (200, 201) and response.data is not None:
            response["ETag"] = etag_for(response.data)
        return response
