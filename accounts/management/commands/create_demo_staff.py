"""Create the local demo accounts that `make run` prints; refused outside the local settings."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError

from accounts.roles import CATALOG_MANAGERS, ORDER_MANAGERS

DEFAULT_HOST = "127.0.0.1:8000"


def server_url(host):
    """The address runserver serves at for its `addrport` argument (`9000` alone is 127.0.0.1:9000)."""
    return f"http://127.0.0.1:{host}/" if host.isdigit() else f"http://{host}/"


class Command(BaseCommand):
    help = "Create the demo superuser, catalog manager and order manager of a local installation (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--host",
            default=DEFAULT_HOST,
            help="The address the server runs at, as runserver takes it (`make run` passes HOST); for the "
            f"admin link it prints. Default: {DEFAULT_HOST}.",
        )

    def handle(self, *args, host, **options):
        email = getattr(settings, "DEMO_STAFF_EMAIL", None)
        password = getattr(settings, "DEMO_STAFF_PASSWORD", None)
        if not email or not password:
            raise CommandError("Demo accounts exist only with the local settings (bookstore.settings.local).")
        User = get_user_model()
        admin, created = User.objects.get_or_create(email=email, defaults={"is_staff": True, "is_superuser": True})
        if created:
            admin.set_password(password)
            admin.save(update_fields=["password"])
        managers = {}
        for local_part, role in [("manager", CATALOG_MANAGERS), ("orders", ORDER_MANAGERS)]:
            manager, created = User.objects.get_or_create(
                email=email.replace("admin@", f"{local_part}@"), defaults={"is_staff": True}
            )
            if created:
                manager.set_password(password)
                manager.save(update_fields=["password"])
                manager.groups.add(Group.objects.get(name=role))
            managers[role] = manager

        self.stdout.write(
            self.style.SUCCESS(
                f"Admin: {server_url(host)}admin/\n"
                f"  superuser:       {admin.email} / {password}\n"
                f"  catalog manager: {managers[CATALOG_MANAGERS].email} / {password}\n"
                f"  order manager:   {managers[ORDER_MANAGERS].email} / {password}\n"
                "  (the password is the one they were created with)"
            )
        )
