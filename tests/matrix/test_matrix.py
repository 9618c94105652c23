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
from dgov.lib.access import API_POST_ONLY, PERSONAS, POST_ONLY, Seen, answer_class, matches
from dgov.lib.plugins import discover
from tests.matrix import objects

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
# The routes whose objects the world holds (``tests/matrix/objects.py``): {route: kind}.
# Each is asked about the own department's object, another department's (where the kind
# has departments) and another district's.
OBJECTS = {
    "applications/<int:pk>/": "application",
    "applications/apply/<str:code>/": "item",
    "documents/<int:pk>/download/": "document",
    "api/v1/applications/<number>": "number",
    "api/v1/items/<code>": "item",
    "api/v1/ratings/cases/<number>": "number",
    "api/v1/secretaries/green/<number>": "green",
    "api/v1/investment/projects/<pk>": "project",
    "api/v1/campaigns/<campaign_id>/board": "campaign",
    "api/v1/campaigns/public/<campaign_id>/<unit_code>": "publication",
    "api/v1/evaluation/results/<campaign>": "campaign",
    "api/v1/policies/matches/<credit_code>": "credit_code",
    "api/v1/notices/<pk>": "notice",
    "api/v1/notices/<pk>/pdf": "notice",
    "api/v1/bundles/applications/<number>": "bundle_case",
    "calendar/<int:year>/": "year",
    "staff/<slug:role>/": "role",
    "services/item/<str:code>/": "item",
    "services/item/<str:code>/v<int:number>/": "item",
    "services/department/<int:pk>/": "department",
    "services/event/<int:pk>/": "life_event",
    "services/staff/<int:pk>/edit/": "item",
    "services/staff/<int:pk>/files/": "item",
    "bundles/manage/<int:pk>/": "bundle",
    "bundles/applications/<int:pk>/": "bundle_case",
    "bundles/<slug:code>/": "bundle",
    "bundles/<slug:code>/apply/": "bundle",
    "notices/templates/<slug:kind>/": "template_kind",
    "notices/<int:pk>/": "notice",
    "notices/<int:pk>/pdf/": "notice",
    "ratings/case/<int:pk>/": "application",
    "ratings/visit/<int:pk>/": "visit",
    "ratings/handover/case/<int:pk>/": "application",
    "ratings/handover/visit/<int:pk>/": "visit",
    "ratings/rectifications/<int:pk>/": "rectification",
    "investment/projects/<int:pk>/": "project",
    "investment/projects/<int:pk>/edit/": "project",
    "investment/offices/<int:pk>/": "office",
    "investment/parks/<int:pk>/": "park",
    "secretaries/projects/<int:pk>/": "key_project",
    "secretaries/issues/<int:pk>/": "issue",
    "secretaries/green/<int:pk>/": "green",
    "campaigns/<int:pk>/": "campaign",
    "campaigns/<int:pk>/import/": "campaign",
    "campaigns/<int:pk>/export/": "campaign",
    "campaigns/<int:pk>/units/<int:unit_pk>/": "campaign",
    "campaigns/tasks/<int:pk>/": "task",
    "campaigns/files/<int:pk>/": "evidence",
    "campaigns/problems/<int:pk>/": "problem",
    "campaigns/public/<int:pk>/": "publication",
    "campaigns/public/<int:pk>/<str:code>/": "publication",
    "evaluation/c/<int:campaign_pk>/unit/<int:unit_pk>/": "publication",
    "evaluation/survey/<int:pk>/": "survey",
    "evaluation/column/<int:pk>/": "article",
    "evaluation/talks/<int:pk>/": "talk",
    "evaluation/columns/<int:pk>/": "article",
    "evaluation/columns/<int:pk>/edit/": "article",
    "evaluation/reports/<int:pk>/": "report",
    "cockpit/charts/<slug:key>.<str:fmt>": "chart",
    "exports/jobs/<int:pk>/": "export_job",
    "exports/jobs/<int:pk>/file/": "export_job",
    "exports/<str:name>.<str:fmt>": "export",
    "policies/<int:pk>/": "policy",
    "policies/mine/<int:pk>/facts/": "profile",
    "policies/mine/<int:pk>/receive/<int:policy_pk>/": "profile",
    "policies/library/<int:pk>/": "policy",
    "policies/library/<int:pk>/edit/": "policy",
    "funds/<int:pk>/": "fund",
    "funds/commitments/<int:pk>/": "commitment",
    "financing/banks/<int:pk>/products/new/": "bank",
    "financing/needs/<int:pk>/": "need",
    "talent/programmes/<int:pk>/": "programme",
    "training/courses/<int:pk>/": "course",
    "training/courses/<int:pk>/code/": "course",
    "events/<int:pk>/": "event",
    "events/starts/<int:pk>/": "start",
}
# Routes with a parameter that get no object, each with the reason (reviewed: a new
# parameterised GET route must land in OBJECTS or here, ``test_every_parameterised_route``).
# Routes declared POST_ONLY are not here: GET answers 405 before any object is loaded.
CAPABILITY = (
    "a capability token or code: whoever holds it may open the page by design, a forged one is "
    "what the matrix asks; issuing and redeeming it are tested in the app"
)
NO_OBJECT = {
    "accounts/password/reset/<str:token>/": CAPABILITY,
    "secretaries/confirm/<str:token>/": CAPABILITY,
    "secretaries/rate/<str:token>/": CAPABILITY,
    "ratings/r/<str:token>/": CAPABILITY,
    "hall/ticket/<str:token>/": CAPABILITY,
    "training/sign-in/<str:token>/": CAPABILITY,
    "evaluation/served/<str:code>/": CAPABILITY,
    "certificates/v/<str:code>/": CAPABILITY,
    "certificates/v/<str:code>/<str:name>": CAPABILITY,
    "certificates/verify/copy/<str:code>/": CAPABILITY,
    "certificates/verify/<str:identifier>/": CAPABILITY,
    "api/v1/certificates/verify/<code>": CAPABILITY,
    "notices/v/<str:code>/<str:name>": CAPABILITY,
    "certificates/pki/<str:district>/<str:name>": "public trust material (CA certificates, CRLs), the same for everyone",
    "certificates/pki/seals/<str:key_id>/<str:name>": "public trust material (seal certificates), the same for everyone",
    "certificates/<int:pk>/": (
        "a certificate needs the district CA, a seal key and a sealed PDF (seconds of key generation and signing "
        "per district): who opens one is held in dgov/certificates/tests"
    ),
    "certificates/<int:pk>/download/": "as certificates/<int:pk>/",
    "services/item/<str:code>/files/<int:pk>/<str:name>": "a published guide's attachment: public with the guide",
    "ratings/rectifications/<int:pk>/<slug:step>/": "POST only (a GET is refused by the permission check, then 405)",
    "financing/bank/offers/<int:pk>/": (
        "an offer needs a bank product and a bank officer's account (financing.BankOfficer), which no matrix "
        "persona is; held in dgov/financing/tests"
    ),
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


def url(route: str, obj: Any) -> str:
    """``route`` with its parameters filled: the object's (a model instance, or a dict of
    route parameters), else a missing one."""
    params = (
        obj if isinstance(obj, dict) else {} if obj is None else {"pk": obj.pk, "number": getattr(obj, "number", "")}
    )

    def fill(match: re.Match[str]) -> str:
        converter, name = match.group(1), match.group(2)
        if name in params:
            return str(params[name])
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
        cases, documents, items = {}, {}, {}
        places = {
            "own": (scjg, person),
            "elsewhere": (cgj, firm),
            "far": (department(far, "SCJG", "他区市场监督管理局"), farther),
        }
        for variant, (unit, applicant) in places.items():
            items[variant] = publish_item(unit.district, unit, f"MX-{variant}")
            upload = SimpleUploadedFile("申请书.pdf", files.pdf(), content_type="application/pdf")
            documents[variant] = do_store_upload(upload, owner=applicant.user, district=unit.district, label="申请书")
            cases[variant] = file_case(items[variant], applicant, applicant.user, f"mx-{variant}", documents[variant])
        # A staff member of the other district: author of its objects.
        far_staff = User.objects.create(username="matrix-far", kind=User.Kind.STAFF, district=far)
        far_staff.groups.add(Group.objects.get(name=Role.WINDOW_CLERK.value))
        built = objects.build(
            {
                "users": users, "cases": cases, "items": items, "home": home, "far": far, "scjg": scjg, "cgj": cgj,
                "far_scjg": places["far"][0], "far_staff": far_staff, "firm": firm,
                "store": lambda owner, district: do_store_upload(
                    SimpleUploadedFile("佐证.pdf", files.pdf(), content_type="application/pdf"),
                    owner=owner, district=district, label="佐证材料",
                ),
                "applicants": {variant: applicant for variant, (_unit, applicant) in places.items()},
            }
        )  # fmt: skip
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
            "objects": {"application": cases, "number": cases, "document": documents, **built},
        }
        transaction.set_rollback(True)


def answers(world: dict[str, Any], persona: str) -> Iterator[tuple[str, str, str]]:
    """(route, variant, answer class) of every route for ``persona``."""
    client = world["clients"][persona]
    for route, _view in routes():
        kind = OBJECTS.get(route)
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


def test_every_parameterised_route_gets_a_real_object_or_a_stated_reason():
    declared = declarations()
    bare = [
        route
        for route, _view in routes()
        if PARAMETER.search(route)
        and route not in OBJECTS
        and route not in NO_OBJECT
        and declared.get(route) not in (POST_ONLY, API_POST_ONLY)
    ]
    assert not bare, (
        "a route with a parameter and no object (add it to OBJECTS, or to NO_OBJECT with why):\n" + "\n".join(bare)
    )
    known = {route for route, _view in routes()}
    assert not (set(OBJECTS) | set(NO_OBJECT)) - known, "no such route"
    assert not set(OBJECTS) & set(NO_OBJECT)


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
