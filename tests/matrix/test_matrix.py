"""The role × URL matrix (issue 19 §1, decision 0025): every route of the URLconf, requested
with GET by every persona (``dgov.lib.access``), against the declaration in its app's
``access.py``. A route without a declaration fails by name.

The world is built once per module (and per xdist worker) inside a transaction rolled back
at the end: two districts, the own case and file (SCJG, the citizen's), another
department's (城管局, the enterprise's) and another district's. Routes of other objects are
asked about an object that does not exist (everybody refused)."""

import json
import os
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver

from dgov.accounts.models import Applicant, City, Department, District, ServiceWindow, User
from dgov.accounts.roles import Role
from dgov.api.actions import do_create_api_token
from dgov.applications.testing import department, file_case, publish_item
from dgov.documents.storage import do_store_upload
from dgov.documents.tests import files
from dgov.lib.access import PERSONAS, Seen, answer_class, matches
from dgov.lib.plugins import discover

# Where each staff persona works (the shared personas of the root conftest.py).
DEPARTMENT_OF = {
    Role.WINDOW_CLERK: "ZWFW",
    Role.SEAL_OFFICER: "ZWFW",
    Role.CENTRE_SUPERVISOR: "ZWFW",
    Role.ADMINISTRATOR: "ZWFW",
    Role.REVIEWER: "SCJG",
    Role.DEPARTMENT_APPROVER: "SCJG",
    Role.UNIT_HEAD: "SCJG",
    Role.ENTERPRISE_SERVICE: "SCJG",
}
MISSING_ID = 987654
# The routes whose object the world holds: {route prefix: kind of object}.
OBJECTS = {
    "applications/<int:pk>/": "application",
    "documents/<int:pk>/": "document",
    "api/v1/applications/<number>": "number",
}
PARAMETER = re.compile(r"<(?:(\w+):)?(\w+)>")


def routes() -> Iterator[tuple[str, Any]]:
    """(route, view) of every pattern of the URLconf, each route once."""

    def walk(patterns: Any, prefix: str) -> Iterator[tuple[str, Any]]:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                yield prefix + str(pattern.pattern), pattern.callback

    seen: set[str] = set()
    for route, view in walk(get_resolver().url_patterns, ""):
        if route not in seen:
            seen.add(route)
            yield route, view


def declarations() -> dict[str, Seen]:
    declared: dict[str, Seen] = {}
    for app, module in discover("access"):
        for route, seen in getattr(module, "VIEWS", {}).items():
            assert route not in declared, f"{route} is declared twice (second: dgov.{app}.access)"
            declared[route] = seen
    return declared


def kind_of(route: str) -> str | None:
    return next((kind for prefix, kind in OBJECTS.items() if route.startswith(prefix)), None)


def url(route: str, obj: Any) -> str:
    """``route`` with its parameters filled: the object's, else a missing one."""

    def fill(match: re.Match[str]) -> str:
        converter, name = match.group(1), match.group(2)
        if name == "pk" and obj is not None:
            return str(obj.pk)
        if name == "number" and obj is not None:
            return str(obj.number)
        if name == "action":
            return "accept"
        if name == "fmt":
            return "csv"
        return str(MISSING_ID) if converter == "int" else "missing"

    return "/" + PARAMETER.sub(fill, route)


@pytest.fixture(scope="module")
def world(django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: Any) -> Iterator[dict[str, Any]]:
    uploads = tmp_path_factory.mktemp("matrix-uploads")
    with django_db_blocker.unblock(), transaction.atomic(), override_settings(DOCUMENTS_ROOT=uploads):
        city = City.objects.create(code="229900", name="矩阵市")
        home = District.objects.create(city=city, code="229901", name="本区")
        far = District.objects.create(city=city, code="229902", name="他区")
        centre = department(home, "ZWFW", "政务服务中心", Department.Kind.SERVICE_CENTRE)
        window = ServiceWindow.objects.create(district=home, service_centre=centre, number="01", name="综合受理窗口")
        scjg, cgj = department(home, "SCJG", "市场监督管理局"), department(home, "CGJ", "城市管理局")
        users: dict[str, Any] = {}
        for role in Role:
            code = DEPARTMENT_OF.get(role)
            users[role.value] = User.objects.create(
                username=f"matrix-{role.value}",
                kind=User.Kind.STAFF,
                district=home,
                department=Department.objects.get(district=home, code=code) if code else None,
                window=window if role == Role.WINDOW_CLERK else None,
            )
            users[role.value].groups.add(Group.objects.get(name=role.value))
        users["citizen"] = User.objects.create(username="matrix-citizen", kind=User.Kind.CITIZEN)
        users["enterprise"] = User.objects.create(username="matrix-enterprise", kind=User.Kind.ENTERPRISE)
        stranger = User.objects.create(username="matrix-stranger", kind=User.Kind.CITIZEN)
        person = Applicant.objects.create(
            district=home, user=users["citizen"], kind="citizen", name="李华", id_number="11010519491231002X"
        )
        firm = Applicant.objects.create(
            district=home, user=users["enterprise"], kind="enterprise", name="泰盟", credit_code="91350100M000100Y43"
        )
        farther = Applicant.objects.create(
            district=far, user=stranger, kind="citizen", name="王五", id_number="11010519491231002X"
        )
        cases, documents = {}, {}
        for variant, (unit, applicant) in {
            "own": (scjg, person),
            "elsewhere": (cgj, firm),
            "far": (department(far, "SCJG", "他区市场监督管理局"), farther),
        }.items():
            item = publish_item(unit.district, unit, f"MX-{variant}")
            upload = SimpleUploadedFile("申请书.pdf", files.pdf(), content_type="application/pdf")
            documents[variant] = do_store_upload(upload, owner=applicant.user, district=unit.district, label="申请书")
            cases[variant] = file_case(item, applicant, applicant.user, f"mx-{variant}", documents[variant])
        clients: dict[str, Client] = {"anonymous": Client(raise_request_exception=False)}
        api: dict[str, dict[str, str]] = {"anonymous": {}}
        for name, user in users.items():
            clients[name] = Client(raise_request_exception=False)
            clients[name].force_login(user)
            api[name] = {"Authorization": f"Bearer {do_create_api_token(user, 'matrix')[1]}"}
        yield {
            "uploads": uploads,
            "clients": clients,
            "api": api,
            "objects": {"application": cases, "number": cases, "document": documents},
        }
        transaction.set_rollback(True)


def answers(world: dict[str, Any], persona: str) -> Iterator[tuple[str, str, str]]:
    """(route, variant, answer class) of every route for ``persona``."""
    client = world["clients"][persona]
    for route, _view in routes():
        kind = kind_of(route)
        variants = world["objects"][kind] if kind else {"own": None}
        for variant, obj in variants.items():
            headers = world["api"][persona] if route.startswith("api/") else {}
            yield route, variant, answer_class(client.get(url(route, obj), headers=headers))


def test_every_route_declares_who_may_open_it():
    declared = declarations()
    missing = [
        f"{route} ({view.__module__}.{getattr(view, '__name__', view)})"
        for route, view in routes()
        if route not in declared
    ]
    assert not missing, "no declaration in the app's access.py (dgov.lib.access) for:\n" + "\n".join(missing)
    stale = set(declared) - {route for route, _view in routes()}
    assert not stale, f"declared, but no such route: {sorted(stale)}"


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_persona_gets_what_each_route_declares(persona, world, db, settings):
    settings.DOCUMENTS_ROOT = world["uploads"]
    declared = declarations()
    record = os.environ.get("DGOV_MATRIX_RECORD")
    found = list(answers(world, persona))
    if record:
        with open(f"{record}.{persona}.json", "w") as out:
            json.dump(found, out)
        return
    wrong = [
        f"{route} [{variant}]: declared {declared[route].expected(persona, variant)}, answered {answer}"
        for route, variant, answer in found
        if route in declared and not matches(declared[route].expected(persona, variant), answer)
    ]
    assert not wrong, f"{persona}:\n" + "\n".join(wrong)


def test_the_declarations_hold_what_issue_19_found_open():
    """A case page, its files and the API's case: an agent, another department's reviewer
    and another citizen get the 404 of a missing case."""
    declared = declarations()
    for route in ("applications/<int:pk>/", "documents/<int:pk>/download/", "api/v1/applications/<number>"):
        assert declared[route].expected("hired_agent") == "404", route
        assert declared[route].expected("reviewer", "elsewhere") == "404", route
        assert declared[route].expected("citizen", "elsewhere") == "404", route
        assert declared[route].expected("reviewer") == declared[route].expected("citizen") == "ok", route


def test_the_matrix_catches_an_agent_who_opens_a_case(world, db, settings, monkeypatch):
    from dgov.applications import models

    settings.DOCUMENTS_ROOT = world["uploads"]
    monkeypatch.setattr(models, "DISTRICT_WIDE", models.DISTRICT_WIDE | {Role.HIRED_AGENT})
    case = world["objects"]["application"]["own"]

    answer = answer_class(world["clients"]["hired_agent"].get(url("applications/<int:pk>/", case)))

    assert answer == "ok"
    assert not matches(declarations()["applications/<int:pk>/"].expected("hired_agent"), answer)
