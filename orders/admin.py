"""Order managers work the order lifecycle here: every order, filtered by status and customer, moved on by
actions that call the same services as the API."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied

from bookstore.api.errors import DomainError

from . import services
from .models import Order, OrderLine, OrderStatusChange


class LinksOnlyWhereAllowed:
    """Django's admin links a read-only relation to the related object's change page for everyone; an order
    manager, who may not open users or books, would follow the link to a 403. A relation named in
    `plain_fields` is shown as plain text (by the display method named there) to those who may not view it."""

    plain_fields: dict[str, str] = {}

    def _may_view(self, request, model) -> bool:
        model_admin = self.admin_site._registry.get(model)
        return model_admin is not None and model_admin.has_view_permission(request)

    def _allowed(self, request, names):
        return [
            self.plain_fields[name]
            if name in self.plain_fields and not self._may_view(request, self.model._meta.get_field(name).related_model)
            else name
            for name in names
        ]

    def get_fields(self, request, obj=None):
        return self._allowed(request, super().get_fields(request, obj))

    def get_readonly_fields(self, request, obj=None):
        return self._allowed(request, super().get_readonly_fields(request, obj))


class RecordInline(LinksOnlyWhereAllowed, admin.TabularInline):
    """What an order recorded (its lines, its moves): shown, never added, edited or deleted here."""

    extra = 0
    can_delete = False

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj)  # every field, as shown

    def has_add_permission(self, request, obj=None):
        return False


class OrderLineInline(RecordInline):
    model = OrderLine
    fields = ["book", "title", "isbn", "unit_price", "quantity"]
    plain_fields = {"book": "book_text"}

    @admin.display(description="book")
    def book_text(self, line):
        return str(line.book)


class OrderStatusChangeInline(RecordInline):
    model = OrderStatusChange
    fields = ["status", "at", "by"]
    plain_fields = {"by": "by_text"}

    @admin.display(description="by")
    def by_text(self, change):
        return str(change.by) if change.by else None


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
class OrderAdmin(LinksOnlyWhereAllowed, admin.ModelAdmin):
    """Orders are read here and moved only by the lifecycle actions: no field is edited by hand, so the order's
    page offers no Save button."""

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
    plain_fields = {"user": "customer"}
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

    def change_view(self, request, object_id, form_url="", extra_context=None):
        nothing_to_save = {"show_save": False, "show_save_and_continue": False, "show_save_and_add_another": False}
        return super().change_view(request, object_id, form_url, {**(extra_context or {}), **nothing_to_save})

    @admin.display(description="user")
    def customer(self, order):
        return str(order.user)
