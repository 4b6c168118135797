"""The OpenAPI schema is valid and complete, and the docs pages work without the internet."""

import re

import pytest
import yaml
from django.contrib.staticfiles import finders
from django.core.management import call_command

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    from drf_spectacular.generators import SchemaGenerator

    with django_db_blocker.unblock():
        return SchemaGenerator().get_schema(request=None, public=True)


def test_spectacular_validates_without_warnings(tmp_path):
    out = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    assert yaml.safe_load(out.read_text())["openapi"].startswith("3.")


def test_openapi_spec_validator_accepts_the_schema(tmp_path):
    """The validator client generators rely on: defaults and examples must match their own
    schemas (a default of "" under a pattern that refuses "" is an error there)."""
    from openapi_spec_validator import validate
    from openapi_spec_validator.readers import read_from_filename

    out = tmp_path / "schema.yml"
    call_command("spectacular", "--file", str(out))
    spec, _ = read_from_filename(str(out))
    validate(spec)  # raises OpenAPIValidationError with the path of the first error


def test_schema_is_served(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    assert "/api/auth/token/" in response.json()["paths"]


def _operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in {"get", "post", "put", "patch", "delete"}:
                yield path, method, operation


def test_every_operation_is_documented(schema):
    for path, method, operation in _operations(schema):
        where = f"{method.upper()} {path}"
        assert operation.get("summary") or operation.get("description"), where
        assert operation.get("tags"), where
        responses = operation["responses"]
        assert any(code.startswith("2") for code in responses), where
        for code, response in responses.items():
            if code.startswith(("4", "5")):
                ref = response["content"]["application/json"]["schema"]["$ref"]
                assert ref == "#/components/schemas/Error", where
        if method in {"post", "put", "patch"}:
            assert "400" in responses, where
        if "{" in path:
            assert "404" in responses, where
        if operation.get("security") and {} not in operation["security"]:
            assert "401" in responses, where


def test_error_component_is_the_one_shape(schema):
    error = schema["components"]["schemas"]["Error"]
    assert set(error["required"]) == {"detail", "code", "fields"}


def _local_urls(html: str) -> list[str]:
    urls = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)["']""", html)
    assert urls
    return urls


@pytest.mark.parametrize("url", ["/api/docs/", "/api/redoc/"])
def test_docs_pages_use_only_local_static_files(client, url):
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert not re.search(r"https?://", html), re.findall(r"https?://[^\s\"']+", html)
    for link in _local_urls(html):
        assert link.startswith("/static/"), link
        assert finders.find(link.removeprefix("/static/")), f"{link} is not a local static file"


def test_search_is_offered_only_where_a_list_searches(schema):
    """``?search=`` on a list without search fields would be ignored: the schema leaves it out
    there (the orders list filters by its named fields) and keeps it where it works."""

    def names(path):
        return {p["name"] for p in schema["paths"][path]["get"].get("parameters", [])}

    assert "search" not in names("/api/orders/")
    assert "search" in names("/api/menu-items/")
