"""Whether an answer is what the committed OpenAPI schema says it is, judged by the validator that
scripts/fuzz_api.sh runs (schemathesis' response-schema, status-code, header and content-type checks).

Not a test module: `from tests.openapi_answers import assert_documented`.
"""

from functools import cache
from pathlib import Path

import requests
import schemathesis
import yaml
from django.conf import settings
from schemathesis.core.transport import Response

OPENAPI_DIR = Path(settings.BASE_DIR) / "openapi"


@cache
def committed_schema(version):
    return schemathesis.openapi.from_dict(yaml.safe_load((OPENAPI_DIR / f"{version}.yaml").read_text()))


def assert_documented(response, version, path):
    """Fail, with schemathesis' explanation, unless the schema of `version` documents `response` (a Django test
    response) for its method on `path`, the schema's templated path (e.g. "/api/v1/cart/items/{id}/")."""
    method = response.request["REQUEST_METHOD"]
    operation = committed_schema(version)[path][method]
    request = requests.Request(method, f"http://testserver{response.request['PATH_INFO']}").prepare()
    headers = {name.lower(): [value] for name, value in response.headers.items()}
    answer = Response(response.status_code, headers, response.content, request=request, elapsed=0.0, verify=True)
    operation.validate_response(answer)
