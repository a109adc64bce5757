"""JSON renderer that wraps every API response in the contract's envelope."""

import json

from rest_framework.renderers import JSONRenderer

from . import envelope, fastjson

ERROR_KEYS = {"code", "message", "details"}


class EnvelopeJSONRenderer(JSONRenderer):
    """Success bodies become `data`; error bodies, shaped by the exception handler, become `error`."""

    encoder_class = fastjson.JSONEncoder

    def render(self, data, accepted_media_type=None, renderer_context=None):
        response = (renderer_context or {}).get("response")
        if response is None:
            return super().render(data, accepted_media_type, renderer_context)
        if response.status_code == 204:
            return b""
        if response.status_code < 400:
            body = envelope.success(data)
        elif isinstance(data, dict) and data.keys() == ERROR_KEYS:
            body = {"success": False, "data": None, "error": data}
        else:
            body = envelope.failure_for_status(response.status_code, details=data)
        if not self.get_indent(accepted_media_type, renderer_context):
            try:
                # As DRF's renderer does, U+2028 and U+2029 escaped (JavaScript reads them as line ends).
                return fastjson.dumps(body).replace(b"\xe2\x80\xa8", b"\\u2028").replace(b"\xe2\x80\xa9", b"\\u2029")
            except fastjson.EncodeError:
                pass  # a lone surrogate: the json module below escapes it
        try:
            return super().render(body, accepted_media_type, renderer_context)
        except UnicodeEncodeError:
            # A lone surrogate (echoed from a client's input) has no UTF-8 form: escape it, and all else.
            return json.dumps(body, cls=self.encoder_class, separators=(",", ":")).encode()
