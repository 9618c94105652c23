import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client, override_settings

from dgov.api.models import ApiToken, digest
from dgov.applications import actions
from dgov.applications.models import Application, Channel, Status
from dgov.audit.models import AuditEntry
from dgov.lib import clock
from dgov.notices.drafting import wording
from dgov.workdays.calendar import add_working_days

pytestmark = pytest.mark.django_db

APPLY = "/api/v1/applications"


def post(client: Client, url: str, data: Any = None, **headers: str) -> Any:
    return client.post(url, json.dumps(data or {}), content_type="application/json", headers=headers)


def file_one(client: Client, headers: dict[str, str], key: str = "key-1", **body: Any) -> Any:
    return post(client, APPLY, {"item": "KC-SCJG-001", **body}, **headers, **{"Idempotency-Key": key})


@pytest.fixture
def application(item: Any, citizen: Any, citizen_applicant: Any) -> Application:
    application, _ = actions.do_submit(
        item=item, applicant=citizen_applicant, by=citizen, channel=Channel.ONLINE, idempotency_key="k"
    )
    return application


def act(client: Client, application: Application, action: str, headers: dict[str, str], data: Any = None) -> Any:
    return post(client, f"/api/v1/applications/{application.number}/{action}", data, **headers)


# The document ---------------------------------------------------------------------------


def test_the_openapi_document_is_openapi_3_and_lists_the_paths(client: Client) -> None:
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    document = json.loads(response.content)
    assert document["openapi"].startswith("3.")
    assert document["info"]["version"] == "1"
    # Every app built on the foundation publishes its routes in the same document.
    sections = {path.split("/")[3] for path in document["paths"] if path.startswith("/api/v1/")}
    assert {"bundles", "ratings", "investment", "secretaries", "campaigns", "evaluation"} <= sections
    for path in (
        "/api/v1/items",
        "/api/v1/items/{code}",
        "/api/v1/applications",
        "/api/v1/applications/{number}/accept",
        "/api/v1/applications/{number}/request-supplement",
        "/api/v1/applications/{number}/check-in",
        "/api/v1/lookup",
    ):
        assert path in document["paths"], path
    assert document["components"]["securitySchemes"]["TokenAuth"]["scheme"] == "bearer"


# The catalogue --------------------------------------------------------------------------


def test_the_catalogue_lists_items_by_department_kind_and_search(client: Client, item: Any) -> None:
    listed = client.get("/api/v1/items").json()
    assert listed["total"] == 1
    assert listed["items"][0]["code"] == "KC-SCJG-001"
    assert listed["items"][0]["department"]["code"] == "SCJG"
    assert client.get("/api/v1/items", {"department": "ZWFW"}).json()["total"] == 0
    assert client.get("/api/v1/items", {"kind": "citizen"}).json()["total"] == 0
    assert client.get("/api/v1/items", {"kind": "enterprise"}).json()["total"] == 1
    found = client.get("/api/v1/items", {"q": "開飯店"}).json()  # Traditional, colloquial
    assert [i["code"] for i in found["items"]] == ["KC-SCJG-001"]
    assert client.get("/api/v1/items", {"q": "结婚"}).json() == {"total": 0, "items": []}


def test_an_item_comes_with_its_materials(client: Client, item: Any) -> None:
    detail = client.get("/api/v1/items/KC-SCJG-001").json()
    assert detail["name"] == "食品经营许可"
    assert [m["name"] for m in detail["materials"]] == ["食品经营许可申请书", "营业执照"]
    assert [m["to_submit"] for m in detail["materials"]] == [True, False]
    assert client.get("/api/v1/items/NOPE").status_code == 404


# Applying -------------------------------------------------------------------------------


def test_applying_without_an_idempotency_key_is_refused(
    client: Client, item: Any, citizen_applicant: Any, bearer: Any
) -> None:
    response = post(client, APPLY, {"item": "KC-SCJG-001"}, **bearer(citizen_applicant.user))
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()["detail"]
    assert not Application.objects.exists()


def test_applying_twice_with_one_key_files_one_application(
    client: Client, item: Any, citizen_applicant: Any, bearer: Any
) -> None:
    headers = bearer(citizen_applicant.user)
    material = item.current_version.materials.get(name="食品经营许可申请书")
    first = file_one(client, headers, materials=[{"material": material.pk}])
    again = file_one(client, headers, materials=[{"material": material.pk}])
    assert first.status_code == 201
    assert again.status_code == 200
    assert again.json()["number"] == first.json()["number"]
    assert len(first.json()["verification_code"]) == 6
    application = Application.objects.get()
    item.current_version = None
    item.save(update_fields=["current_version"])  # withdrawn since: the repeat still answers
    repeat = file_one(client, headers, materials=[{"material": material.pk}])
    assert repeat.json()["number"] == application.number
    assert application.channel == Channel.ONLINE
    assert application.submitted_by == citizen_applicant.user
    assert application.materials.count() == 1


def test_a_submission_is_written_with_its_trail_pointing_at_it(
    client: Client, item: Any, citizen_applicant: Any, bearer: Any
) -> None:
    from dgov.audit.models import AuditEntry
    from dgov.notifications.models import Notification

    headers = bearer(citizen_applicant.user)
    material = item.current_version.materials.get(name="食品经营许可申请书")
    number = file_one(client, headers, materials=[{"material": material.pk}]).json()["number"]
    application = Application.objects.get(number=number)
    assert application.materials.get().material == material
    assert application.events.get().verb == "submit"
    trace = AuditEntry.objects.get(verb="application.submit")
    assert (trace.object_type, trace.object_id, trace.actor) == (
        "applications.application",
        str(application.pk),
        citizen_applicant.user,
    )
    notice = Notification.objects.get(recipient=citizen_applicant.user)
    assert (notice.object_type, notice.object_id) == ("applications.application", str(application.pk))
    assert number in notice.subject


def test_a_staff_system_files_on_behalf_of_an_applicant(
    client: Client, item: Any, citizen_applicant: Any, clerk: Any, bearer: Any
) -> None:
    response = file_one(client, bearer(clerk), applicant=citizen_applicant.pk, channel="window")
    assert response.status_code == 201, response.content
    application = Application.objects.get()
    assert (application.applicant, application.submitted_by, application.channel) == (
        citizen_applicant,
        clerk,
        Channel.WINDOW,
    )
    assert application.visits == 1  # filed at the window: the applicant came in person


def test_a_staff_system_must_name_an_applicant_of_its_district(
    client: Client, item: Any, citizen_applicant: Any, clerk: Any, reviewer: Any, bearer: Any
) -> None:
    assert file_one(client, bearer(clerk)).status_code == 400
    assert file_one(client, bearer(clerk), "k2", applicant=citizen_applicant.pk + 99).status_code == 400
    refused = file_one(client, bearer(reviewer), "k3", applicant=citizen_applicant.pk)
    assert refused.status_code == 403
    assert refused.json()["detail"] == "Your role does not allow this action."


def test_bad_input_is_refused_with_a_message(client: Client, item: Any, citizen_applicant: Any, bearer: Any) -> None:
    headers = bearer(citizen_applicant.user)
    unknown = post(client, APPLY, {"item": "KC-NOPE"}, **headers, **{"Idempotency-Key": "k"})
    assert unknown.status_code == 400
    assert "KC-NOPE" in unknown.json()["detail"]
    shared = item.current_version.materials.get(name="营业执照")  # fetched, never handed in
    wrong = file_one(client, headers, materials=[{"material": shared.pk}])
    assert wrong.status_code == 400
    assert str(shared.pk) in wrong.json()["detail"]
    huge = file_one(client, headers, materials=[{"material": 10**30}])
    assert huge.status_code == 422
    malformed = post(client, APPLY, {"item": 5, "materials": "all"}, **headers, **{"Idempotency-Key": "k"})
    assert malformed.status_code == 422
    assert malformed.json()["detail"]
    assert not Application.objects.exists()


# Staff actions --------------------------------------------------------------------------


def test_the_whole_flow_runs_through_the_api_and_is_audited_as_the_token_user(
    client: Client, application: Application, clerk: Any, reviewer: Any, approver: Any, bearer: Any
) -> None:
    as_clerk, as_reviewer, as_approver = bearer(clerk), bearer(reviewer), bearer(approver)
    accepted = act(client, application, "accept", as_clerk)
    assert accepted.status_code == 200, accepted.content
    assert accepted.json()["status"] == Status.ACCEPTED
    assert accepted.json()["promised_due"]
    assert act(client, application, "review", as_reviewer, {"note": "齐全"}).json()["status"] == Status.REVIEWED
    assert act(client, application, "approve", as_approver).json()["status"] == Status.APPROVED
    done = act(client, application, "complete", as_clerk)
    assert done.json()["status"] == Status.COMPLETED
    assert done.json()["status_label"] == "Completed"
    entry = AuditEntry.objects.get(verb="application.review")
    assert (entry.actor, entry.role, entry.ip) == (reviewer, "reviewer", "127.0.0.1")
    assert entry.request_id


def test_a_supplement_round_runs_through_the_api(
    client: Client, application: Application, clerk: Any, citizen: Any, bearer: Any
) -> None:
    material = application.item_version.materials.get(name="食品经营许可申请书")
    issued = act(
        client,
        application,
        "request-supplement",
        bearer(clerk),
        {"problems": [{"material": material.pk, "problem": "未签字"}]},
    )
    assert issued.status_code == 200, issued.content
    assert issued.json()["status"] == Status.SUPPLEMENT
    notice = application.supplement_notices.get()
    assert (notice.items.get().material, notice.completed_on) == (material, None)
    handed = act(client, application, "supplement", bearer(citizen), {"materials": [material.pk]})
    assert handed.json()["status"] == Status.SUBMITTED
    notice.refresh_from_db()
    application.refresh_from_db()
    assert notice.items.get().problem == "未签字"
    assert notice.completed_on == application.supplemented_on is not None
    assert application.materials.filter(material=material, document=None).exists()
    # A second round waits for the notice of its own: the first stays completed.
    assert act(client, application, "supplement", bearer(citizen), {"materials": [material.pk]}).status_code == 409


def test_a_supplement_notice_lists_at_least_one_problem(
    client: Client, application: Application, clerk: Any, bearer: Any
) -> None:
    response = act(client, application, "request-supplement", bearer(clerk), {"problems": []})
    assert response.status_code == 400
    assert response.json()["messages"] == ["List at least one missing or faulty material."]


def test_of_two_accepts_the_second_gets_409(client: Client, application: Application, clerk: Any, bearer: Any) -> None:
    headers = bearer(clerk)
    assert act(client, application, "accept", headers).status_code == 200
    second = act(client, application, "accept", headers)
    assert second.status_code == 409
    assert "already handled" in second.json()["detail"]


def test_a_role_without_the_power_gets_403_with_the_reason_in_its_language(
    client: Client, application: Application, citizen: Any, bearer: Any
) -> None:
    headers = bearer(citizen)  # sees the application: it is their own
    response = act(client, application, "accept", {**headers, "Accept-Language": "zh-hans"})
    assert response.status_code == 403
    assert response.json()["detail"] == "您的角色无权执行此操作。"


def test_an_approver_of_another_department_gets_404(
    client: Client, application: Application, clerk: Any, make_staff: Any, bearer: Any
) -> None:
    act(client, application, "accept", bearer(clerk))
    elsewhere = make_staff("department_approver", "other-approver", department="ZWFW")
    assert act(client, application, "approve", bearer(elsewhere)).status_code == 404
    assert client.get(f"/api/v1/applications/{application.number}", headers=bearer(elsewhere)).status_code == 404


def test_a_missing_application_gets_404(client: Client, clerk: Any, bearer: Any) -> None:
    response = post(client, "/api/v1/applications/220103-20260101-ZZZZZZ/accept", **bearer(clerk))
    assert response.status_code == 404
    assert response.json()["detail"]


def test_negative_days_on_extend_are_refused_with_a_message(
    client: Client, application: Application, clerk: Any, approver: Any, bearer: Any
) -> None:
    act(client, application, "accept", bearer(clerk))
    response = act(client, application, "extend", bearer(approver), {"days": -3, "reason": "专家评审"})
    assert response.status_code == 400
    assert "at most 10 working days" in response.json()["detail"]
    before = Application.objects.get().promised_deadline.due_date
    extended = act(client, application, "extend", bearer(approver), {"days": 3, "reason": "专家评审"}).json()
    assert extended["extended_days"] == 3
    assert extended["promised_due"] > before.isoformat()


def test_the_clock_stops_and_resumes_and_a_visit_is_recorded(
    client: Client, application: Application, clerk: Any, reviewer: Any, bearer: Any
) -> None:
    act(client, application, "accept", bearer(clerk))
    notice = {"procedure": "现场核查", "expected_days": 3, "notice": "预计3个工作日"}
    assert act(client, application, "stop-clock", bearer(reviewer), notice).json()["clock_stopped"] is True
    assert act(client, application, "stop-clock", bearer(reviewer), notice).status_code == 409
    assert act(client, application, "stop-clock", bearer(reviewer), {**notice, "expected_days": -1}).status_code == 422
    assert act(client, application, "resume-clock", bearer(reviewer)).json()["clock_stopped"] is False
    assert act(client, application, "check-in", bearer(clerk)).json()["visits"] == 1


def test_a_refusal_and_a_denial_state_their_reasons(
    client: Client, application: Application, clerk: Any, bearer: Any
) -> None:
    assert act(client, application, "refuse", bearer(clerk), {"reasons": " "}).status_code == 400
    assert act(client, application, "refuse", bearer(clerk), {}).status_code == 422
    assert act(client, application, "refuse", bearer(clerk), {"reasons": "不属于本机关职权"}).json()["status"] == (
        Status.REFUSED
    )


# Tokens ---------------------------------------------------------------------------------


def test_a_wrong_or_revoked_token_gets_401(client: Client, application: Application, clerk: Any, bearer: Any) -> None:
    for headers in ({}, {"Authorization": "Bearer nope"}, {"Authorization": "Basic abc"}):
        response = act(client, application, "accept", headers)
        assert response.status_code == 401
        assert response.json()["detail"]
    headers = bearer(clerk)
    ApiToken.objects.update(revoked_at=clock.now())
    assert act(client, application, "accept", headers).status_code == 401
    assert Application.objects.get().status == Status.SUBMITTED


def test_a_revoked_token_is_refused_and_the_revocation_audited(
    client: Client, application: Application, clerk: Any, bearer: Any
) -> None:
    headers = bearer(clerk)
    prefix = ApiToken.objects.get().prefix
    call_command("revoke_api_token", prefix, stdout=StringIO())
    assert act(client, application, "accept", headers).status_code == 401
    assert AuditEntry.objects.filter(verb="api.token_revoke", object_id=str(ApiToken.objects.get().pk)).exists()


def test_the_command_prints_the_secret_once_and_keeps_only_its_hash(clerk: Any) -> None:
    out = StringIO()
    call_command("create_api_token", "clerk", "窗口系统", stdout=out, stderr=StringIO())
    secret = out.getvalue().strip()
    token = ApiToken.objects.get()
    assert secret.startswith(f"{token.prefix}.")
    assert token.sha256 == digest(secret)
    assert secret not in json.dumps(list(ApiToken.objects.values()), default=str)
    entry = AuditEntry.objects.get(verb="api.token_create")
    assert entry.changes["prefix"] == token.prefix
    assert secret not in json.dumps(entry.changes)


def test_a_token_notes_its_use_at_most_once_a_minute(client: Client, clerk: Any, bearer: Any) -> None:
    headers = bearer(clerk)
    client.get("/api/v1/applications/X", headers=headers)
    first = ApiToken.objects.get().last_used_at
    assert first is not None
    client.get("/api/v1/applications/X", headers=headers)
    assert ApiToken.objects.get().last_used_at == first


# The public lookup ----------------------------------------------------------------------


def test_the_lookup_shows_the_status_and_hides_personal_data(
    client: Client, application: Application, citizen_applicant: Any
) -> None:
    response = post(
        client, "/api/v1/lookup", {"number": application.number.lower(), "code": application.verification_code}
    )
    assert response.status_code == 200
    assert response.json()["status"] == Status.SUBMITTED
    assert response.json()["timeline"][0]["event"] == "Application received"
    text = response.content.decode()
    for personal in (citizen_applicant.id_number, citizen_applicant.masked_id_number, citizen_applicant.phone, "李华"):
        assert personal not in text


def test_the_lookup_limits_failures_per_address(client: Client, application: Application) -> None:
    from django.core.cache import cache

    cache.clear()
    wrong = {"number": application.number, "code": "000000" if application.verification_code != "000000" else "1"}
    for _ in range(20):
        assert post(client, "/api/v1/lookup", wrong).status_code == 404
    right = {"number": application.number, "code": application.verification_code}
    limited = post(client, "/api/v1/lookup", right)
    assert limited.status_code == 429
    assert limited.json()["detail"]
    cache.clear()


# The benchmark's bare view --------------------------------------------------------------


def test_the_benchmark_view_does_not_exist_unless_switched_on(client: Client) -> None:
    assert client.post("/api/bench/transaction").status_code == 404


def test_the_benchmark_view_is_switched_on_by_a_setting(settings: Any) -> None:
    from dgov.api.bench import enabled

    assert not enabled()
    settings.BENCHMARK_VIEWS = True
    assert enabled()


@override_settings(ROOT_URLCONF="dgov.api.tests.bench_urls")
def test_the_benchmark_view_writes_its_transaction(client: Client) -> None:
    from dgov.api.models import BenchRow

    assert client.post("/api/bench/transaction").status_code == 200
    assert sorted(BenchRow.objects.values_list("kind", "counter")) == [("first", 1), ("second", 0)]


def test_a_transition_costs_five_queries_on_postgresql_and_seven_elsewhere(
    client: Client, application: Application, clerk: Any, reviewer: Any, bearer: Any, django_assert_num_queries: Any
) -> None:
    from django.db import connection

    act(client, application, "accept", bearer(clerk))
    headers = bearer(reviewer)
    client.get("/api/v1/applications/X", headers=headers)  # the token's first use is noted once
    # token, user, roles and permissions in one statement; the application with its
    # deadlines; then, between savepoint and release (the test's transaction is open), the
    # transition's UPDATE with its event and audit entry: one statement on PostgreSQL,
    # three elsewhere. Outside a transaction PostgreSQL gets the three statements alone
    # (``test_hot_path``).
    with django_assert_num_queries(5 if connection.vendor == "postgresql" else 7):
        assert act(client, application, "review", headers).status_code == 200


# Queries of each step of the lifecycle through the API, once every token has been used
# (the token's use is noted once a minute) and the calendar read: on PostgreSQL, then
# elsewhere (SQLite writes the rows of a transition one statement each). Savepoint and
# release around each write count, as the test's transaction turns BEGIN and COMMIT into
# them; outside a transaction a transition that is one statement on PostgreSQL sends
# neither (``test_hot_path``, decision 0036).
STEP_QUERIES = {
    # token; the item with the applicant's profile and any earlier filing under the key;
    # the materials; the application with its material, event, audit entry and
    # notification (one statement on PostgreSQL, the rows pointing at its new id).
    "submit": (6, 10),
    # token, item (with the earlier filing), the earlier filing for the reply (with its
    # item); its materials, to check that the repeat asks for the same.
    "resubmit": (4, 4),
    # token, application, materials; the transition; the notice, its items and the
    # written notice (ORM).
    "request-supplement": (9, 12),
    # token, application, materials; the transition; the notice's completion and the
    # materials handed in (ORM).
    "supplement": (8, 10),
    # token, application; both deadlines with the transition pointing at them and the
    # written notice of acceptance (``drafting.writing``).
    "accept": (5, 12),
    "review": (5, 7),
    # token, application; the transition with the UPDATEs closing both deadlines (each if
    # its due date is still the one loaded with the case, from which the lateness is
    # computed: else read again, decision 0033) and the written decision.
    "approve": (5, 11),
    # token, application; the certificates to link to; the transition (with a text
    # message too: 办结 is always sent by SMS).
    "complete": (6, 10),
}


def test_every_step_of_the_lifecycle_costs_the_queries_pinned_for_it(
    client: Client,
    item: Any,
    citizen: Any,
    clerk: Any,
    reviewer: Any,
    approver: Any,
    bearer: Any,
    django_assert_num_queries: Any,
) -> None:
    from django.db import connection

    heads = {
        "applicant": bearer(citizen),
        "clerk": bearer(clerk),
        "reviewer": bearer(reviewer),
        "approver": bearer(approver),
    }
    for headers in heads.values():
        client.get("/api/v1/applications/X", headers=headers)  # the token's first use is noted once
    material = item.current_version.materials.get(name="食品经营许可申请书")
    # The process has read the calendars the limits reach into (next year's too, in December).
    add_working_days(clock.today(), 100)
    wording(item.district_id)  # …and the district's notice templates (made now,
    wording(item.district_id)  # so read again into the cache)
    steps = [
        ("submit", "applicant", "", {"item": "KC-SCJG-001", "materials": [{"material": material.pk}]}),
        ("resubmit", "applicant", "", {"item": "KC-SCJG-001", "materials": [{"material": material.pk}]}),
        (
            "request-supplement",
            "clerk",
            "request-supplement",
            {"problems": [{"material": material.pk, "problem": "未签字"}]},
        ),
        ("supplement", "applicant", "supplement", {"materials": [material.pk]}),
        ("accept", "clerk", "accept", None),
        ("review", "reviewer", "review", {"note": "齐全"}),
        ("approve", "approver", "approve", None),
        ("complete", "clerk", "complete", None),
    ]
    number = ""
    for step, who, path, body in steps:
        expected = STEP_QUERIES[step][0 if connection.vendor == "postgresql" else 1]
        url = f"{APPLY}/{number}/{path}" if path else APPLY
        with django_assert_num_queries(expected, info=step):
            response = post(client, url, body, **heads[who], **{"Idempotency-Key": "pinned"})
        assert response.status_code in (200, 201), (step, response.content)
        number = number or response.json()["number"]
    assert Application.objects.get(number=number).status == Status.COMPLETED


def test_a_permission_given_to_the_user_directly_counts(
    client: Client, application: Application, make_staff: Any, bearer: Any
) -> None:
    from django.contrib.auth.models import Permission

    clerk = make_staff("centre_supervisor", "supervisor", department="ZWFW")  # may not accept
    assert act(client, application, "accept", bearer(clerk)).status_code == 403
    clerk.user_permissions.add(Permission.objects.get(codename="accept_application"))
    assert act(client, application, "accept", bearer(clerk)).status_code == 200


def test_a_role_given_or_taken_counts_at_the_next_request_with_no_cache_to_clear(
    client: Client, application: Application, make_staff: Any, bearer: Any, citizen: Any, citizen_applicant: Any
) -> None:
    from django.contrib.auth.models import Group

    second, _ = actions.do_submit(
        item=application.item, applicant=citizen_applicant, by=citizen, channel=Channel.ONLINE, idempotency_key="k2"
    )
    person = make_staff("centre_supervisor", "supervisor", department="ZWFW")  # may not accept
    headers = bearer(person)
    assert act(client, application, "accept", headers).status_code == 403
    window = Group.objects.get(name="window_clerk")
    person.groups.add(window)  # as another process would: nothing is told to this one
    assert act(client, application, "accept", headers).status_code == 200
    person.groups.remove(window)
    assert act(client, second, "accept", headers).status_code == 403


def test_the_permission_names_follow_the_permission_table() -> None:
    from django.contrib.auth.models import Group, Permission
    from django.contrib.contenttypes.models import ContentType

    from dgov.api import auth

    accept = Permission.objects.get(codename="accept_application")
    assert auth.permission_names({accept.pk}) == {"applications.accept_application"}
    # A permission made after the names were read (a new id) is read with them.
    made = Permission.objects.create(
        codename="try_out", name="try out", content_type=ContentType.objects.get_for_model(Application)
    )
    assert auth._names == {}  # saving one forgets them all
    auth._names = {accept.pk: "applications.accept_application"}  # as read before it existed
    assert auth.permission_names({accept.pk, made.pk}) == {"applications.accept_application", "applications.try_out"}
    made.delete()
    assert auth._names == {}
    assert auth.permission_names({made.pk}) == set()  # gone: no name, no permission
    assert Group.objects.filter(permissions=made.pk).count() == 0


def test_accepting_reads_the_calendar_once_per_process_not_per_request(
    client: Client, application: Application, clerk: Any, bearer: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    headers = bearer(clerk)
    client.get("/api/v1/applications/X", headers=headers)  # the token's first use is noted once
    # The process has read the calendars the limits reach into (next year's too, in December).
    add_working_days(application.received_on, 100)
    with CaptureQueriesContext(connection) as queries:
        assert act(client, application, "accept", headers).status_code == 200
    assert not [q for q in queries.captured_queries if "workdays_calendar" in q["sql"]]


def test_accepting_costs_five_queries_on_postgresql_and_twelve_elsewhere(
    client: Client, application: Application, clerk: Any, bearer: Any, django_assert_num_queries: Any
) -> None:
    from django.db import connection

    headers = bearer(clerk)
    client.get("/api/v1/applications/X", headers=headers)  # the token's first use is noted once
    # The process has read the calendars the limits reach into (next year's too, in December).
    add_working_days(application.received_on, 100)
    wording(application.district_id)  # …and the district's document templates (made now,
    wording(application.district_id)  # so read again into the cache)
    # token, user, roles and permissions in one statement; the application with its
    # deadlines and the bundle it is a part of, if any; then, between savepoint and
    # release, both deadlines and the UPDATE that points at them with the event, the audit
    # entry, the notification and the notice of acceptance in one statement on PostgreSQL,
    # written only if the row is still submitted (locked first: ``fastsql.Gate``);
    # elsewhere that check and seven statements.
    with django_assert_num_queries(5 if connection.vendor == "postgresql" else 12):
        assert act(client, application, "accept", headers).status_code == 200


def test_a_token_is_issued_for_oneself_or_by_the_districts_administrator(
    clerk: Any, reviewer: Any, administrator: Any
) -> None:
    from django.core.exceptions import PermissionDenied

    from dgov.api.actions import do_create_api_token, do_revoke_api_token

    own, _secret = do_create_api_token(clerk, "my desk", by=clerk)
    for_system, _secret = do_create_api_token(reviewer, "department system", by=administrator)
    with pytest.raises(PermissionDenied):
        do_create_api_token(reviewer, "not mine", by=clerk)
    with pytest.raises(PermissionDenied):
        do_revoke_api_token(for_system, by=clerk)
    assert do_revoke_api_token(own, by=clerk) and do_revoke_api_token(for_system, by=administrator)
