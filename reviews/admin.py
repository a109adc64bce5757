"""Moderators (and superusers) find reviews here, filtered by rating, status and verified purchase, and hide or
publish them again with a reason, through the same services as the API. What readers wrote is not edited here."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.response import TemplateResponse

from . import services
from .models import REASON_MAX_LENGTH, Review


class ReasonForm(forms.Form):
    reason = forms.CharField(max_length=REASON_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 3}))


def moderation_action(service, title):
    """An admin action that asks for a reason, then applies `service` to each selected review."""

    def action(modeladmin, request, queryset):
        form = ReasonForm(request.POST if "apply" in request.POST else None)
        if not form.is_valid():
            context = {**modeladmin.admin_site.each_context(request), "title": title, "queryset": queryset}
            context.update(form=form, action=service.__name__)
            return TemplateResponse(request, "reviews/admin/moderate.html", context)
        done = 0
        for review in queryset:
            try:
                service(review=review, by=request.user, reason=form.cleaned_data["reason"])
                done += 1
            except (PermissionDenied, ValidationError) as exc:
                modeladmin.message_user(request, f"{review}: {exc}", messages.ERROR)
        modeladmin.message_user(request, f"{title}: {done} review(s).", messages.SUCCESS)
        return None

    action.__name__ = service.__name__
    action.short_description = title
    action.allowed_permissions = ("moderate",)
    return action


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    """Reviews, newest first; moderation by the actions only."""

    list_display = ["book", "user", "rating", "status", "verified_purchase", "created_at"]
    list_filter = ["rating", "status", "verified_purchase"]
    search_fields = ["book__title", "user__email", "title", "body"]
    list_select_related = ["book", "user"]
    date_hierarchy = "created_at"
    fields = [
        "book",
        "user",
        "rating",
        "title",
        "body",
        "verified_purchase",
        "status",
        "moderation_reason",
        "moderated_by",
        "moderated_at",
        "created_at",
        "updated_at",
    ]
    readonly_fields = fields
    actions = [
        moderation_action(services.review_hide, "Hide"),
        moderation_action(services.review_unhide, "Publish again"),
    ]

    def has_moderate_permission(self, request):
        return services.is_moderator(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        # A delete here would skip the book's recount; an author deletes their review through the API.
        return False
