from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "payments"
    verbose_name = "Payments"

    def ready(self):
        # Refunding an order (orders' service) refunds its payment: orders never imports payments.
        from orders.services import order_refund_handler_register

        from .services import payment_refund

        order_refund_handler_register(payment_refund)
