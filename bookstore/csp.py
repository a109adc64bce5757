"""The Content-Security-Policy headers: django-csp's middleware, with the policies it builds from the settings
alone kept instead of built again for every answer."""

import functools

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject
from csp.middleware import CSPMiddleware as LibraryCSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver

# What a view's decorators (csp_exempt, csp_update, csp_replace, csp_override) set on its response, and what a
# template's use of request.csp_nonce sets on the request: either makes that answer's policy its own.
_VIEW_CHANGES = (
    "_csp_exempt",
    "_csp_exempt_ro",
    "_csp_config",
    "_csp_update",
    "_csp_replace",
    "_csp_config_ro",
    "_csp_update_ro",
    "_csp_replace_ro",
)


@functools.cache
def _settings_policies() -> tuple[tuple[str, str, str], ...]:
    """(header, policy, setting) for the policy and the report-only policy of the settings, as django-csp builds
    them (an empty policy when the setting is not there)."""
    return (
        (HEADER, build_policy(), "CONTENT_SECURITY_POLICY"),
        (HEADER_REPORT_ONLY, build_policy(report_only=True), "CONTENT_SECURITY_POLICY_REPORT_ONLY"),
    )


@receiver(setting_changed)
def _forget_settings_policies(*, setting, **kwargs):
    if setting in ("CONTENT_SECURITY_POLICY", "CONTENT_SECURITY_POLICY_REPORT_ONLY"):
        _settings_policies.cache_clear()


class CSPMiddleware(LibraryCSPMiddleware):
    """django-csp's middleware. An answer that no view decorator and no nonce changed (every API answer) gets the
    settings' policies, built once per process: django-csp built both on every answer, a tenth of the time of a
    catalog read answered from the read cache. Any other answer goes through django-csp as it is."""

    def process_response(self, request, response):
        if getattr(request, "_csp_nonce", None) is not None or any(hasattr(response, n) for n in _VIEW_CHANGES):
            return super().process_response(request, response)
        # As django-csp: Django's debug pages (500, 404) keep their own, and a header already set or a path under
        # a policy's EXCLUDE_URL_PREFIXES is left alone.
        if response.status_code in (500, 404) and settings.DEBUG:
            return response
        for header, policy, setting in _settings_policies():
            prefixes = (getattr(settings, setting, None) or {}).get("EXCLUDE_URL_PREFIXES", None) or ()
            if policy and header not in response and not request.path_info.startswith(tuple(prefixes)):
                response[header] = policy
        # From here on a nonce could no longer be written into the header: asking for one is an error.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response
