from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm, UserChangeForm, UserCreationForm

from .models import User
from .services import user_revoke_tokens
from .tokens import identity_snapshot_forget


class EmailUserCreationForm(UserCreationForm):
    class Meta:
        model = User
        fields = ("email",)


class EmailUserChangeForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


class RevokingPasswordChangeForm(AdminPasswordChangeForm):
    """The admin's "change password" form (which saves the user itself, outside save_model): every earlier token
    of the account is revoked, as the API's password change does, and its identity snapshot forgotten."""

    def save(self, commit=True):
        user = super().save(commit=commit)
        if commit:
            user_revoke_tokens(user=user)
        return user


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """The user admin, keyed by email instead of a username."""

    form = EmailUserChangeForm
    add_form = EmailUserCreationForm
    change_password_form = RevokingPasswordChangeForm
    ordering = ["email", "id"]
    list_display = ["email", "first_name", "last_name", "is_staff", "is_active"]
    list_filter = ["is_staff", "is_superuser", "is_active", "groups"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Personal info", {"fields": ("first_name", "last_name")}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        ("Important dates", {"fields": ("last_login", "date_joined")}),
    )

    def get_readonly_fields(self, request, obj=None):
        """One's own account is shown without its "active", "staff" and "superuser" boxes, and cannot be deleted
        here: as in the API, nobody locks themselves out (the last superuser would lock everyone out); another
        administrator can."""
        readonly = super().get_readonly_fields(request, obj)
        if obj is not None and obj.pk == request.user.pk:
            return [*readonly, "is_active", "is_staff", "is_superuser"]
        return readonly

    def has_delete_permission(self, request, obj=None):
        """Not one's own account (see get_readonly_fields)."""
        if obj is not None and obj.pk == request.user.pk:
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "is_active" in form.changed_data and not obj.is_active:
            # The same rule as the API: deactivation revokes every token of the account.
            user_revoke_tokens(user=obj)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Flags, groups and permissions may have changed: the next request reads them afresh.
        identity_snapshot_forget(form.instance.pk)

    def delete_model(self, request, obj):
        user_id = obj.pk
        super().delete_model(request, obj)
        identity_snapshot_forget(user_id)

    def delete_queryset(self, request, queryset):
        """ "Delete selected users" forgets each deleted user's identity snapshot, as deleting one user does. (A
        selection that holds one's own account is refused whole: has_delete_permission says no for it.)"""
        user_ids = list(queryset.values_list("pk", flat=True))
        super().delete_queryset(request, queryset)
        for user_id in user_ids:
            identity_snapshot_forget(user_id)

    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)
