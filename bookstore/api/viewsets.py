"""The base viewset of the API."""

from rest_framework import viewsets


class ModelViewSet(viewsets.ModelViewSet):
    """DRF's ModelViewSet whose 201 answers carry the new object's URL in `Location`."""

    def get_success_headers(self, data):
        return {"Location": self.reverse_action("detail", args=[data["id"]])}
