"""Give the order_managers role what it needs to work every order: view and change orders (the lifecycle
actions), view their lines and history, and view carts."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {
    "order": ["view", "change"],
    "orderline": ["view"],
    "orderstatuschange": ["view"],
    "cart": ["view"],
    "cartitem": ["view"],
}


def grant(apps, schema_editor):
    # Permissions are normally created after the whole migrate run; create them now to attach them.
    app_config = apps.get_app_config("orders")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="order_managers")
    codenames = [f"{action}_{model}" for model, actions in GRANTS.items() for action in actions]
    group.permissions.add(*Permission.objects.filter(content_type__app_label="orders", codename__in=codenames))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name="order_managers"):
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="orders"))


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0001_initial"),
        ("accounts", "0002_roles"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
