"""Every input of the API is bounded and every bad one is a 4xx: the OpenAPI document says
so for each parameter, and the answers hold it (issue 19 item 5)."""

import json
from typing import Any

import pytest
from django.test import Client

from dgov.applications.models import Application

from .test_api import APPLY, file_one, post

pytestmark = pytest.mark.django_db


def _document(client: Client) -> dict[str, Any]:
    return json.loads(client.get("/api/openapi.json").content)


def _unbounded(document: dict[str, Any]) -> list[tuple[str, str, str]]:
    components = document.get("components", {}).get("schemas", {})

    def resolve(schema: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in schema:
            schema = components[schema["$ref"].rsplit("/", 1)[-1]]
        return schema

    found = []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                schema = resolve(parameter.get("schema", {}))
                for alternative in map(resolve, schema.get("anyOf", [schema])):
                    kind = alternative.get("type")
                    if kind == "integer" and "maximum" not in alternative:
                        found.append((method, path, parameter["name"]))
                    if kind == "string" and not ({"maxLength", "enum"} & set(alternative) or "format" in alternative):
                        found.append((method, path, parameter["name"]))
    return found


def test_every_path_query_and_header_parameter_is_bounded_in_the_openapi_document(client: Client) -> None:
    assert _unbounded(_document(client)) == []


def test_a_number_beyond_64_bits_is_refused_with_422_not_a_server_error(client: Client, leader: Any, bearer: Any):
    assert client.get("/api/v1/items", {"offset": "9223372036854775808"}).status_code == 422
    board = client.get("/api/v1/campaigns/99999999999999999999999/board", headers=bearer(leader))
    assert board.status_code == 422
    assert board.json()["messages"]


def test_a_lone_surrogate_in_a_body_is_refused_with_400(client: Client) -> None:
    body = '{"number": "\\ud800", "code": "123456"}'
    response = client.post("/api/v1/lookup", body, content_type="application/json")
    assert response.status_code == 400
    assert "surrogate" in response.json()["detail"]


def test_a_nul_or_surrogate_in_a_query_is_refused_with_400(client: Client) -> None:
    assert client.get("/api/v1/items", {"q": "餐饮\x00"}).status_code == 400


def test_an_idempotency_key_replayed_with_another_body_is_422(
    client: Client, item: Any, citizen_applicant: Any, bearer: Any
) -> None:
    headers = bearer(citizen_applicant.user)
    first = file_one(client, headers, key="same-key")
    assert first.status_code == 201
    assert file_one(client, headers, key="same-key").status_code == 200  # a retry: the first answer
    material = (
        item.current_version.materials.filter(source="applicant").first() or item.current_version.materials.first()
    )
    other = post(
        client,
        APPLY,
        {"item": "KC-SCJG-001", "materials": [{"material": material.pk, "promised": True}]},
        **headers,
        **{"Idempotency-Key": "same-key"},
    )
    assert other.status_code == 422
    assert first.json()["number"] in other.json()["detail"]
    assert Application.objects.count() == 1
