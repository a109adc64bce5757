"""`manage.py check` (and every server start) refuses a refund handler that does not import, rather than
failing the first refund."""

from django.conf import settings
from django.core import checks
from django.utils.module_loading import import_string


@checks.register()
def refund_handlers_import(app_configs, **kwargs):
    errors = []
    for path in getattr(settings, "ORDER_REFUND_HANDLERS", []):
        try:
            handler = import_string(path)
        except ImportError as exc:
            errors.append(checks.Error(f"ORDER_REFUND_HANDLERS: {path} does not import ({exc}).", id="orders.E001"))
            continue
        if not callable(handler):
            errors.append(checks.Error(f"ORDER_REFUND_HANDLERS: {path} is not callable.", id="orders.E001"))
    return errors
