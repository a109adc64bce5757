from django.contrib import admin

from .models import Payment


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin):
    """Payment attempts, read only."""

    list_display = ["id", "order", "provider", "status", "amount", "currency", "created_at"]
    list_filter = ["status", "provider"]
    readonly_fields = ["order", "provider", "status", "amount", "currency", "reference", "redirect_url"]

    def has_add_permission(self, request):
        return False
