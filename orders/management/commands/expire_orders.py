"""Cancel unpaid orders older than ORDER_PAYMENT_TIMEOUT_MINUTES and put their books back in stock. Safe to run on
several machines at once (row locks with SKIP LOCKED); also forgets idempotency keys past their lifetime."""

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from orders.models import IdempotencyKey
from orders.services import order_expire_unpaid


class Command(BaseCommand):
    help = "Cancel pending_payment orders older than ORDER_PAYMENT_TIMEOUT_MINUTES (default 30), restoring stock."

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch-size", type=int, default=100, help="Orders cancelled per transaction (default 100)."
        )

    def handle(self, *args, batch_size, **options):
        now = timezone.now()
        cancelled = order_expire_unpaid(
            created_before=now - timedelta(minutes=settings.ORDER_PAYMENT_TIMEOUT_MINUTES), batch_size=batch_size
        )
        forgotten, _ = IdempotencyKey.objects.filter(
            created_at__lt=now - timedelta(hours=settings.IDEMPOTENCY_KEY_TTL_HOURS)
        ).delete()
        self.stdout.write(f"Cancelled {cancelled} unpaid order(s); forgot {forgotten} idempotency key(s).")
