"""Order managers work the order lifecycle here: every order, filtered by status and customer, moved on by
actions that call the same services as the API."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied

from bookstore.api.errors import DomainError

from . import services
from .models import Order, OrderLine, OrderStatusChange


class OrderLineInline(admin.TabularInline):
    model = OrderLine
    fields = ["book", "title", "isbn", "unit_price", "quantity"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class OrderStatusChangeInline(admin.TabularInline):
    model = OrderStatusChange
    fields = ["status", "at", "by"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


def lifecycle_action(service, description):
    """An admin action that moves each selected order with `service`, reporting each refusal."""

    def action(modeladmin, request, queryset):
        moved = 0
        for order in queryset:
            try:
                service(order=order, by=request.user)
                moved += 1
            except (DomainError, PermissionDenied) as exc:
                message = getattr(exc, "message", "You may not do this.")
                modeladmin.message_user(request, f"{order.number}: {message}", messages.ERROR)
        if moved:
            modeladmin.message_user(request, f"{moved} order(s): {description.lower()}.", messages.SUCCESS)

    action.__name__ = service.__name__
    action.short_description = description
    action.allowed_permissions = ("change",)
    return action


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    """Orders are read here and moved only by the lifecycle actions: no field is edited by hand."""

    list_display = ["number", "user", "status", "payment_status", "needs_refund", "total", "currency", "created_at"]
    list_filter = ["status", "payment_status", "needs_refund", ("user", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["number", "user__email"]
    list_select_related = ["user"]
    date_hierarchy = "created_at"
    ordering = ["-created_at", "-id"]
    fields = [
        "id",
        "number",
        "user",
        "status",
        "payment_status",
        "needs_refund",
        "total",
        "currency",
        "shipping_address",
        "created_at",
        "updated_at",
    ]
    readonly_fields = fields
    inlines = [OrderLineInline, OrderStatusChangeInline]
    actions = [
        lifecycle_action(services.order_ship, "Ship"),
        lifecycle_action(services.order_deliver, "Mark delivered"),
        lifecycle_action(services.order_refund, "Refund"),
        lifecycle_action(services.order_cancel, "Cancel (restores stock)"),
    ]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
