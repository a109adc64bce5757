"""Who may do what with the catalog."""

from rest_framework.permissions import SAFE_METHODS, DjangoModelPermissionsOrAnonReadOnly


class CatalogPermission(DjangoModelPermissionsOrAnonReadOnly):
    """Anyone reads; writing needs the model permission (catalog_managers, or a superuser). A read is allowed
    without building the view's queryset, which DRF's class does on every request only to find that reading
    needs no permission."""

    def has_permission(self, request, view):
        if request.method in SAFE_METHODS:
            return True
        return super().has_permission(request, view)
