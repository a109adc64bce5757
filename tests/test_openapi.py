"""Each version's OpenAPI schema is committed, valid, served as it is generated, and tells the truth about the
envelope, the errors and the security scheme; Swagger UI and ReDoc run from the platform's own assets."""

import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import yaml
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.urls import reverse
from drf_spectacular.drainage import GENERATOR_STATS

VERSIONS = ["v1", "v2"]
OTHER_VERSION = {"v1": "v2", "v2": "v1"}
OPENAPI_DIR = Path(settings.BASE_DIR) / "openapi"
ERROR_ENVELOPE = "#/components/schemas/ErrorEnvelope"
HTTP_METHODS = {"get", "put", "patch", "post", "delete", "head", "options", "trace"}
BOOK_FILTERS = {
    "search",
    "ordering",
    "author",
    "genre",
    "publisher",
    "language",
    "format",
    "price_min",
    "price_max",
    "in_stock",
    "published_after",
    "published_before",
    "rating_min",
    "isbn",
}
# What a page of each version holds: v1 pages by limit/offset, v2 by cursor.
PAGE_PARAMETERS = {"v1": {"limit", "offset"}, "v2": {"cursor", "limit"}}
PAGE_PROPERTIES = {
    "v1": {"count", "limit", "offset", "next", "previous", "results"},
    "v2": {"next", "previous", "results"},
}
BOOK_COMPONENT = {"v1": "Book", "v2": "BookV2"}
DOCS_PAGES = ["swagger-ui", "redoc"]
# Every URL-like attribute value, and every absolute or protocol-relative URL anywhere in the page (inline scripts,
# styles and CSS imports included).
ATTRIBUTE_URL = re.compile(r"""\b(?:src|href|spec-url|action)\s*=\s*["']([^"']*)["']""", re.IGNORECASE)
ABSOLUTE_URL = re.compile(r"""(?:https?:)?//[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+(?::\d+)?[^\s"'<>)]*""")


# Helpers -------------------------------------------------------------------------------------------------------


@pytest.fixture
def schema_of(client):
    """`schema_of(version)`: the OpenAPI document the server answers for that version, as JSON."""

    def fetch(version):
        response = client.get(reverse(f"{version}:schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json")
        assert response.status_code == 200
        return response.json()

    return fetch


def path_of(url_name):
    """The key of a URL name in the schema's `paths`: its URL, with `{id}` where the URL takes the object's id."""
    if url_name.endswith("-detail"):
        return unquote(reverse(url_name, args=["{id}"]))
    return reverse(url_name)


def resolve(schema, ref):
    """The component a `$ref` such as "#/components/schemas/Book" points at."""
    node = schema
    for part in ref.removeprefix("#/").split("/"):
        node = node[part]
    return node


def operations(schema):
    """(path, method, operation) for every operation in the schema."""
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in HTTP_METHODS:
                yield path, method, operation


def json_schema_of(response):
    return response["content"]["application/json"]["schema"]


def error_schema(operation, status):
    """The JSON schema an operation documents for an error status, or None if it documents none."""
    response = operation["responses"].get(status)
    return None if response is None else json_schema_of(response)


def query_parameters(operation):
    return {parameter["name"] for parameter in operation.get("parameters", []) if parameter["in"] == "query"}


def referenced_urls(html):
    return set(ATTRIBUTE_URL.findall(html)) | set(ABSOLUTE_URL.findall(html))


# 1. The committed schema files -----------------------------------------------------------------------------------


@pytest.fixture
def fresh_generator_stats():
    """drf-spectacular counts warnings process-wide; --fail-on-warn must judge this generation only."""
    GENERATOR_STATS.reset()
    yield
    GENERATOR_STATS.reset()


@pytest.mark.usefixtures("fresh_generator_stats")
@pytest.mark.parametrize("version", VERSIONS)
def test_committed_schema_is_valid_and_up_to_date(tmp_path, version):
    generated = tmp_path / f"{version}.yaml"

    call_command("spectacular", "--api-version", version, "--validate", "--fail-on-warn", "--file", str(generated))

    committed = OPENAPI_DIR / f"{version}.yaml"
    assert generated.read_bytes() == committed.read_bytes(), (
        f"openapi/{version}.yaml differs from what the code generates: run `make schema` and commit the result."
    )


@pytest.mark.parametrize("version", VERSIONS)
def test_served_schema_is_the_committed_one(schema_of, version):
    committed = yaml.safe_load((OPENAPI_DIR / f"{version}.yaml").read_text(encoding="utf-8"))

    assert schema_of(version) == committed


# 2. The schema endpoints -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("version", VERSIONS)
def test_schema_endpoint_answers_an_openapi_document_of_its_version(client, version):
    response = client.get(reverse(f"{version}:schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.oai.openapi+json")
    schema = response.json()
    assert "success" not in schema
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "Bookstore platform API"
    assert schema["info"]["version"] == version
    assert path_of(f"{version}:book-list") in schema["paths"]
    assert path_of(f"{version}:book-detail") in schema["paths"]
    assert [path for path in schema["paths"] if not path.startswith(reverse(f"{version}:api-root"))] == []
    assert reverse(f"{OTHER_VERSION[version]}:api-root") not in response.content.decode()


@pytest.mark.parametrize("version", VERSIONS)
def test_schema_endpoint_answers_yaml_by_default(client, version):
    response = client.get(reverse(f"{version}:schema"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.oai.openapi")
    schema = yaml.safe_load(response.content)
    assert schema["info"]["version"] == version
    assert "success" not in schema


# 3. What the schema says ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("version", VERSIONS)
def test_schema_declares_the_bearer_jwt_scheme_for_writes(schema_of, version):
    schema = schema_of(version)

    bearer = [
        name
        for name, scheme in schema["components"]["securitySchemes"].items()
        if (scheme["type"], scheme.get("scheme"), scheme.get("bearerFormat")) == ("http", "bearer", "JWT")
    ]
    assert len(bearer) == 1
    create_book = schema["paths"][path_of(f"{version}:book-list")]["post"]
    assert {bearer[0]: []} in create_book["security"]
    assert {} not in create_book["security"]


@pytest.mark.parametrize("version", VERSIONS)
def test_book_list_answer_is_the_envelope_around_a_page_of_books(schema_of, version):
    schema = schema_of(version)

    envelope = json_schema_of(schema["paths"][path_of(f"{version}:book-list")]["get"]["responses"]["200"])

    assert set(envelope["properties"]) == {"success", "data", "error"}
    assert set(envelope["required"]) == {"success", "data", "error"}
    assert envelope["properties"]["success"]["enum"] == [True]
    assert envelope["properties"]["error"]["enum"] == [None]
    page = resolve(schema, envelope["properties"]["data"]["$ref"])
    assert set(page["properties"]) == PAGE_PROPERTIES[version]
    assert page["properties"]["results"]["items"] == {"$ref": f"#/components/schemas/{BOOK_COMPONENT[version]}"}


@pytest.mark.parametrize("version", VERSIONS)
def test_book_detail_answer_is_the_envelope_around_a_book(schema_of, version):
    schema = schema_of(version)

    envelope = json_schema_of(schema["paths"][path_of(f"{version}:book-detail")]["get"]["responses"]["200"])

    assert set(envelope["properties"]) == {"success", "data", "error"}
    assert envelope["properties"]["data"] == {"$ref": f"#/components/schemas/{BOOK_COMPONENT[version]}"}


def test_v2_book_component_has_the_richer_representation(schema_of):
    book = schema_of("v2")["components"]["schemas"]["BookV2"]["properties"]

    assert {"price", "availability", "authors", "genres"} <= set(book)
    assert "stock" not in book
    assert "currency" not in book


@pytest.mark.parametrize("version", VERSIONS)
def test_book_list_documents_every_filter_and_page_parameter(schema_of, version):
    book_list = schema_of(version)["paths"][path_of(f"{version}:book-list")]["get"]

    assert query_parameters(book_list) == BOOK_FILTERS | PAGE_PARAMETERS[version]


@pytest.mark.parametrize("version", VERSIONS)
def test_every_error_response_is_the_error_envelope(schema_of, version):
    schema = schema_of(version)
    assert schema["components"]["schemas"]["ErrorEnvelope"]["required"] == ["success", "data", "error"]

    not_enveloped = [
        (path, method, status)
        for path, method, operation in operations(schema)
        for status, response in operation["responses"].items()
        if int(status) >= 400 and json_schema_of(response) != {"$ref": ERROR_ENVELOPE}
    ]

    assert not_enveloped == []


@pytest.mark.parametrize("version", VERSIONS)
def test_every_secured_operation_documents_401(schema_of, version):
    schema = schema_of(version)
    secured = [
        (path, method, operation)
        for path, method, operation in operations(schema)
        if any(requirement for requirement in operation.get("security", []))
    ]
    assert len(secured) > 10

    missing = [
        (path, method)
        for path, method, operation in secured
        if error_schema(operation, "401") != {"$ref": ERROR_ENVELOPE}
    ]

    assert missing == []


@pytest.mark.parametrize("version", VERSIONS)
def test_jwt_is_the_first_security_scheme(schema_of, version):
    # Swagger UI's "Authorize" dialog lists the schemes in this order; a JWT pasted into the first one
    # must go out as `Authorization: Bearer`, not as a session cookie.
    schemes = schema_of(version)["components"]["securitySchemes"]

    first = next(iter(schemes.values()))
    assert (first["type"], first["scheme"], first["bearerFormat"]) == ("http", "bearer", "JWT")
    assert all(scheme.get("description") for scheme in schemes.values())


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("url_name", ["book-list", "book-detail", "author-list", "genre-detail", "token-obtain"])
def test_public_operations_need_no_credentials_as_generators_read_them(schema_of, version, url_name):
    # An empty list: openapi-python-client then types the function as taking a plain `Client`.
    methods = schema_of(version)["paths"][path_of(f"{version}:{url_name}")]
    operation = methods.get("get") or methods["post"]

    assert operation["security"] == []
    assert error_schema(operation, "401") == {"$ref": ERROR_ENVELOPE}


@pytest.mark.parametrize("version", VERSIONS)
def test_every_operation_has_a_summary_and_a_description(schema_of, version):
    operations_ = list(operations(schema_of(version)))
    summaries = {(path, method): operation.get("summary") for path, method, operation in operations_}

    assert [key for key, summary in summaries.items() if not summary] == []
    assert [(path, method) for path, method, operation in operations_ if not operation.get("description")] == []
    # Titles in words, not operation ids such as `books_list`.
    assert summaries[(path_of(f"{version}:book-list"), "get")] == "List books"
    assert summaries[(path_of(f"{version}:book-detail"), "patch")] == "Update a book"
    assert summaries[(path_of(f"{version}:token-obtain"), "post")] == "Log in (token pair)"


@pytest.mark.parametrize("version", VERSIONS)
def test_every_parameter_has_a_description(schema_of, version):
    undescribed = [
        (path, method, parameter["name"])
        for path, method, operation in operations(schema_of(version))
        for parameter in operation.get("parameters", [])
        if not parameter.get("description")
    ]

    assert undescribed == []


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("method", ["put", "patch"])
def test_book_writes_document_if_match_and_412(schema_of, version, method):
    operation = schema_of(version)["paths"][path_of(f"{version}:book-detail")][method]

    assert error_schema(operation, "412") == {"$ref": ERROR_ENVELOPE}
    headers = {parameter["name"] for parameter in operation["parameters"] if parameter["in"] == "header"}
    assert "If-Match" in headers


@pytest.mark.parametrize("version", VERSIONS)
def test_book_reads_document_etag_and_304(schema_of, version):
    operation = schema_of(version)["paths"][path_of(f"{version}:book-detail")]["get"]

    assert "304" in operation["responses"]
    assert "ETag" in operation["responses"]["200"]["headers"]


@pytest.mark.parametrize("version", VERSIONS)
def test_every_response_documents_the_request_id_the_server_sends(schema_of, version, client, db):
    schema = schema_of(version)
    responses = [
        (path, code, response)
        for path, item in schema["paths"].items()
        for operation in item.values()
        for code, response in operation["responses"].items()
    ]

    assert len(responses) > 100
    assert [
        (path, code) for path, code, response in responses if "X-Request-ID" not in response.get("headers", {})
    ] == []
    assert schema["components"]["headers"]["RequestId"]["schema"] == {"type": "string"}
    for response in (client.get(reverse(f"{version}:book-list")), client.get(f"/api/{version}/nowhere/")):
        assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])


# 4. Swagger UI and ReDoc ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("docs_page", DOCS_PAGES)
def test_docs_page_shows_the_schema_of_its_version(client, version, docs_page):
    """Each version's docs page loads that version's schema (and not the other's)."""
    response = client.get(reverse(f"{version}:{docs_page}"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    if docs_page == "swagger-ui":
        # Swagger UI starts from a script file of its own (no inline script), which names the schema.
        assert f'<script src="{reverse(f"{version}:swagger-ui")}?script="></script>' in html
        html = client.get(reverse(f"{version}:swagger-ui"), {"script": ""}).content.decode()
    assert reverse(f"{version}:schema") in html
    assert reverse(f"{OTHER_VERSION[version]}:schema") not in html


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("docs_page", DOCS_PAGES)
def test_docs_page_references_no_outside_host(client, version, docs_page):
    response = client.get(reverse(f"{version}:{docs_page}"))

    assert response.status_code == 200
    outside = sorted(
        url for url in referenced_urls(response.content.decode()) if urlsplit(url).hostname not in (None, "testserver")
    )
    assert outside == []


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("docs_page", DOCS_PAGES)
def test_docs_page_assets_are_served_by_the_platform(client, version, docs_page):
    response = client.get(reverse(f"{version}:{docs_page}"))
    html = response.content.decode()

    assets = {
        urlsplit(url).path for url in ATTRIBUTE_URL.findall(html) if urlsplit(url).path.startswith(settings.STATIC_URL)
    }

    assert any(asset.endswith(".js") for asset in assets)
    # Tests run without DEBUG, so nothing serves /static/ here: the staticfiles finders are what
    # collectstatic (and whitenoise in production) serve from.
    missing = [asset for asset in sorted(assets) if finders.find(asset.removeprefix(settings.STATIC_URL)) is None]
    assert missing == []


def test_the_schema_is_built_once_per_process_and_version(client, monkeypatch):
    """Building the schema walks every view; a process does it once per version and format, not per request."""
    from drf_spectacular.generators import SchemaGenerator

    from bookstore.api.docs import CachedSchemaView

    monkeypatch.setattr(CachedSchemaView, "rendered", {})
    builds = []
    get_schema = SchemaGenerator.get_schema
    monkeypatch.setattr(
        SchemaGenerator,
        "get_schema",
        lambda self, *args, **kwargs: builds.append(1) or get_schema(self, *args, **kwargs),
    )

    answers = [client.get(reverse(f"{version}:schema"), {"format": "json"}) for version in ("v1", "v2", "v1", "v2")]

    assert [answer.status_code for answer in answers] == [200, 200, 200, 200]
    assert answers[0].content == answers[2].content != answers[1].content == answers[3].content
    assert len(builds) == 2


@pytest.mark.parametrize("version", VERSIONS)
def test_list_parameters_are_repeated_keys_and_sort_keys_have_names(schema_of, version):
    # Generated clients send a list as repeated keys (explode: true), which the server reads (and commas too);
    # the sort keys get names such as PRICE_DESC in a generated client's enum instead of VALUE_3.
    book_list = schema_of(version)["paths"][path_of(f"{version}:book-list")]["get"]
    parameters = {parameter["name"]: parameter for parameter in book_list["parameters"]}

    assert all(parameters[name]["explode"] is True for name in ["author", "genre", "ordering"])
    items = parameters["ordering"]["schema"]["items"]
    assert dict(zip(items["enum"], items["x-enum-varnames"], strict=True))["-price"] == "PRICE_DESC"
