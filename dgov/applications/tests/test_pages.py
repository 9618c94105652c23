"""The application pages, through the client: applying online, the window, the queue,
the case page and its actions, the applicant's pages and the public lookup."""

import datetime as dt
import uuid
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dgov.accounts.models import Applicant, Department
from dgov.applications import actions, views
from dgov.applications.models import Application, Channel, Status, SubmittedMaterial
from dgov.documents.models import Document
from dgov.documents.storage import do_store_upload
from dgov.documents.tests import files
from dgov.notifications.models import Notification
from dgov.services.actions import do_publish_version
from dgov.services.models import Material
from dgov.workdays.calendar import add_working_days
from dgov.workdays.models import Deadline

pytestmark = pytest.mark.django_db

QUEUE = reverse("applications:queue")


@pytest.fixture(autouse=True)
def documents_root(settings, tmp_path: Path) -> Path:
    root = tmp_path / "uploads"
    settings.DOCUMENTS_ROOT = root
    return root


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def pdf(name="申请书.pdf"):
    return SimpleUploadedFile(name, files.pdf(), content_type="application/pdf")


def applicant_material(item):
    return item.current_version.materials.get(source=Material.Source.APPLICANT)


def shared_material(item):
    return item.current_version.materials.get(source=Material.Source.SHARED)


def apply_url(item):
    return reverse("applications:apply", args=[item.code])


def case_url(application):
    return reverse("applications:case", args=[application.pk])


def act_url(application, action):
    return reverse("applications:act", args=[application.pk, action])


def submit(item, applicant, by, key="k1"):
    application, _ = actions.do_submit(
        item=item, applicant=applicant, by=by, channel=Channel.ONLINE, idempotency_key=key
    )
    return application


def accepted(item, applicant, citizen, clerk, key="k1", today=None):
    application = submit(item, applicant, citizen, key=key)
    actions.do_accept(application, by=clerk, today=today)
    application.refresh_from_db()
    return application


def set_promised_due(application, due):
    Deadline.objects.filter(pk=application.promised_deadline_id).update(due_date=due)


# Applying online --------------------------------------------------------------------------


def test_the_apply_page_asks_for_the_applicants_material_but_not_the_shared_one(client, item, citizen):
    client.force_login(citizen)
    response = client.get(apply_url(item))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'name="file_{applicant_material(item).pk}"' in html
    assert f'name="file_{shared_material(item).pk}"' not in html
    assert f'data-fetched-material="{shared_material(item).pk}"' in html
    assert 'name="key"' in html


def test_applying_online_with_a_pdf_twice_with_the_same_key_makes_one_application(
    client, item, citizen, documents_root
):
    client.force_login(citizen)
    key = str(uuid.uuid4())
    field = f"file_{applicant_material(item).pk}"

    first = client.post(apply_url(item), {"key": key, field: pdf()})
    again = client.post(apply_url(item), {"key": key, field: pdf()})

    application = Application.objects.get()
    assert first.status_code == again.status_code == 302
    assert first["Location"] == again["Location"] == case_url(application)
    assert application.channel == Channel.ONLINE
    assert application.applicant.user == citizen
    material = SubmittedMaterial.objects.get(application=application)
    assert material.material == applicant_material(item)
    assert material.document.content_type == "application/pdf"
    assert Document.objects.count() == 1  # the retry stored nothing


def test_a_text_file_named_pdf_is_refused_with_400_and_nothing_is_written(client, item, citizen, documents_root):
    client.force_login(citizen)
    fake = SimpleUploadedFile("申请书.pdf", b"just some text, not a PDF", content_type="application/pdf")
    response = client.post(apply_url(item), {"key": str(uuid.uuid4()), f"file_{applicant_material(item).pk}": fake})
    assert response.status_code == 400
    assert "申请书.pdf" in response.content.decode()
    assert Application.objects.count() == 0
    assert Document.objects.count() == 0
    assert not any(p.is_file() for p in documents_root.rglob("*")) if documents_root.exists() else True


def test_a_missing_required_material_is_reported_and_nothing_is_written(client, item, citizen):
    client.force_login(citizen)
    response = client.post(apply_url(item), {"key": str(uuid.uuid4())})
    assert response.status_code == 400
    assert "食品经营许可申请书" in response.content.decode()
    assert Application.objects.count() == 0


def test_a_document_from_the_locker_is_reused_without_a_new_upload(client, item, citizen, district):
    earlier = do_store_upload(pdf(), owner=citizen, district=district, label="申请书")
    client.force_login(citizen)
    material = applicant_material(item)
    response = client.post(apply_url(item), {"key": str(uuid.uuid4()), f"reuse_{material.pk}": earlier.pk})
    assert response.status_code == 302
    assert SubmittedMaterial.objects.get().document == earlier
    assert Document.objects.count() == 1


def test_someone_elses_document_cannot_be_chosen_from_the_locker(client, item, citizen, clerk, district):
    other = do_store_upload(pdf(), owner=clerk, district=district)
    client.force_login(citizen)
    material = applicant_material(item)
    response = client.post(apply_url(item), {"key": str(uuid.uuid4()), f"reuse_{material.pk}": other.pk})
    assert response.status_code == 400
    assert Application.objects.count() == 0


@pytest.fixture
def rongque_item(district, administrator):
    data = {
        "name": "个体工商户登记",
        "kind": "citizen",
        "department": Department.objects.get(district=district, code="SCJG"),
        "legal_basis": "《促进个体工商户发展条例》",
        "legal_limit_days": 15,
        "promised_limit_days": 3,
        "max_trips": 1,
        "online_level": "full",
        "conditions": "",
        "fees": "",
        "fee_basis": "",
        "keywords": "",
    }
    materials = [
        {
            "name": "经营场所证明",
            "legal_basis": "《促进个体工商户发展条例》第八条",
            "source": Material.Source.APPLICANT,
            "required": True,
            "rongque": True,
        },
    ]
    return do_publish_version(None, {"code": "KC-SCJG-009", **data}, materials, [], by=administrator)


def test_a_rongque_material_may_be_promised_for_later(client, rongque_item, citizen):
    client.force_login(citizen)
    material = rongque_item.current_version.materials.get()
    missing = client.post(apply_url(rongque_item), {"key": str(uuid.uuid4())})
    assert missing.status_code == 400
    response = client.post(apply_url(rongque_item), {"key": str(uuid.uuid4()), f"promise_{material.pk}": "on"})
    assert response.status_code == 302
    submitted = SubmittedMaterial.objects.get()
    assert submitted.promised and submitted.document is None


def test_a_user_without_an_applicant_profile_is_sent_to_the_profile_page(client, item, django_user_model):
    user = django_user_model.objects.create_user("nobody", password="x-pass-12345", kind="citizen")
    client.force_login(user)
    response = client.get(apply_url(item))
    assert response.status_code == 200
    assert reverse("portal:my") in response.content.decode()
    assert "data-no-profile" in response.content.decode()


# Window intake ----------------------------------------------------------------------------


def test_a_clerk_finds_an_applicant_by_the_last_four_characters_with_the_number_masked(client, clerk, citizen):
    client.force_login(clerk)
    response = client.get(reverse("applications:window_new"), {"q": "002X"})
    html = response.content.decode()
    assert "李华" in html
    assert "110105********002X" in html
    assert "11010519491231002X" not in html


def test_a_clerk_registers_a_walk_in_with_the_materials_handed_over(client, clerk, citizen_applicant, item):
    client.force_login(clerk)
    material = applicant_material(item)
    url = reverse("applications:window_new") + f"?applicant={citizen_applicant.pk}&item={item.pk}"
    page = client.get(url)
    assert f'name="handed_{material.pk}"' in page.content.decode()
    response = client.post(url, {"key": str(uuid.uuid4()), f"handed_{material.pk}": "on"})
    application = Application.objects.get()
    assert response.status_code == 302
    assert application.channel == Channel.WINDOW
    assert application.submitted_by == clerk
    assert application.visits == 1
    assert SubmittedMaterial.objects.get().document is None


def test_a_repeated_window_registration_makes_one_application_and_one_visit(client, clerk, citizen_applicant, item):
    client.force_login(clerk)
    material = applicant_material(item)
    url = reverse("applications:window_new") + f"?applicant={citizen_applicant.pk}&item={item.pk}"
    data = {"key": str(uuid.uuid4()), f"handed_{material.pk}": "on", f"file_{material.pk}": pdf()}
    client.post(url, data)
    data[f"file_{material.pk}"] = pdf()
    client.post(url, data)
    application = Application.objects.get()
    assert application.visits == 1
    assert Document.objects.get().owner == citizen_applicant.user  # in the citizen's locker


def test_the_window_page_asks_for_the_item_once_the_applicant_is_chosen(client, clerk, citizen_applicant, item):
    client.force_login(clerk)
    html = client.get(reverse("applications:window_new"), {"applicant": citizen_applicant.pk}).content.decode()
    assert f'data-chosen-applicant="{citizen_applicant.pk}"' in html
    assert 'name="item"' in html
    assert "errorlist" not in html


def test_a_citizen_cannot_open_the_window_page(client, citizen):
    client.force_login(citizen)
    assert client.get(reverse("applications:window_new")).status_code == 403


# The queue --------------------------------------------------------------------------------


def test_the_clerks_queue_shows_the_submitted_case(client, clerk, item, citizen, citizen_applicant):
    application = submit(item, citizen_applicant, citizen)
    client.force_login(clerk)
    response = client.get(QUEUE)
    html = response.content.decode()
    assert response.status_code == 200
    assert f'data-number="{application.number}"' in html
    assert "李华" in html
    assert 'data-status-count="submitted"' in html


def test_the_queue_counts_the_open_cases_and_lists_the_closed_ones_uncounted(
    client, clerk, item, citizen, citizen_applicant
):
    import re

    application = submit(item, citizen_applicant, citizen)
    refused = submit(item, citizen_applicant, citizen, key="k2")
    Application.objects.filter(pk=refused.pk).update(status=Status.REFUSED)
    client.force_login(clerk)
    html = client.get(QUEUE, {"status": "all"}).content.decode()
    tabs = dict(re.findall(r'data-status-count="(\w+)">[^<]*(?:<strong>(\d+)</strong>)?</a>', html))
    assert tabs["submitted"] == "1" and tabs["accepted"] == "0"
    assert tabs["refused"] == "" and tabs["completed"] == ""  # the archive is listed, not counted
    assert f'data-number="{application.number}"' in html and f'data-number="{refused.number}"' in html


def test_the_queue_counts_an_archive_only_up_to_a_cap(client, clerk, item, citizen, citizen_applicant, monkeypatch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from dgov.lib import paging

    for n in range(4):
        done = submit(item, citizen_applicant, citizen, key=f"k{n}")
        Application.objects.filter(pk=done.pk).update(status=Status.COMPLETED)
    monkeypatch.setattr(paging, "CAP", 2)
    monkeypatch.setattr(views, "PAGE_SIZE", 1)
    client.force_login(clerk)
    with CaptureQueriesContext(connection) as queries:
        html = client.get(QUEUE, {"status": "completed", "page": "2"}).content.decode()
    assert "Page 2 of more than 2:" in html
    counting = [q["sql"] for q in queries.captured_queries if "COUNT(*)" in q["sql"].upper() and "subquery" in q["sql"]]
    assert counting and all("LIMIT 3" in sql.upper() for sql in counting), counting
    monkeypatch.setattr(paging, "CAP", 10)
    html = client.get(QUEUE, {"status": "completed"}).content.decode()
    assert "more than" not in html and "Page 1 of 4" in html


def test_a_page_of_the_queue_is_read_in_order_from_an_index(clerk, item, citizen, citizen_applicant):
    """Oldest open case first straight from the index of open cases, stopping after a
    page: closed cases, however many, are not read (decision 0035)."""
    from django.db import connection
    from django.http import QueryDict

    from dgov.applications import lists
    from dgov.lib import clock

    if connection.vendor != "postgresql":
        pytest.skip("SQLite plans a partial index only for a query that repeats its condition word for word")
    case = submit(item, citizen_applicant, citizen)
    closed = []
    for n in range(400):  # an archive of completed cases, received before the open one
        row = Application.objects.get(pk=case.pk)
        row.pk, row.number, row.idempotency_key, row.status = None, f"ARCHIVE-{n}", f"archive-{n}", Status.COMPLETED
        row.legal_deadline = row.promised_deadline = None
        row.received_on = case.received_on - dt.timedelta(days=1 + n % 300)
        closed.append(row)
    Application.objects.bulk_create(closed)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE" if connection.vendor == "sqlite" else "ANALYZE applications_application")
    found = lists.queue(clerk, QueryDict(""), clock.today())
    query = found.rows.order_by("received_on", "pk")[: views.PAGE_SIZE]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # ask what the indexes can do, not what a tiny table costs
            for setting in ("seqscan", "bitmapscan", "sort", "incremental_sort"):
                cursor.execute(f"SET LOCAL enable_{setting} = off")
        plan = query.explain()
    assert "Sort" not in plan and "TEMP B-TREE" not in plan, plan
    if connection.vendor == "postgresql":
        assert "application_open_idx" in plan, plan


def test_the_clerks_queue_shows_lights_on_cases_to_complete(client, clerk, approver, reviewer, item, citizen):
    applicant = Applicant.objects.get(user=citizen)
    application = accepted(item, applicant, citizen, clerk)
    client.force_login(reviewer)
    response = client.get(QUEUE)
    assert f'data-number="{application.number}"' in response.content.decode()
    assert 'data-light="promised" data-value="green"' in response.content.decode()


def test_a_case_whose_promised_date_has_passed_shows_red(client, clerk, item, citizen, citizen_applicant, clock):
    application = accepted(item, citizen_applicant, citizen, clerk, today=dt.date(2026, 9, 1))
    set_promised_due(application, dt.date(2026, 9, 29))
    clock.set(dt.date(2026, 9, 30))
    client.force_login(clerk)
    html = client.get(QUEUE, {"status": "accepted"}).content.decode()
    assert 'data-light="promised" data-value="red"' in html
    assert "light light-red" in html


def test_a_case_due_right_after_the_national_day_holiday_is_yellow_on_the_last_day_before_it(
    client, clerk, item, citizen, citizen_applicant, clock
):
    # 2026: 1–7 October are off; 30 September is the last working day before, 8 October
    # the first after. Seven calendar days apart, one working day.
    assert add_working_days(dt.date(2026, 9, 30), 1).date == dt.date(2026, 10, 8)
    application = accepted(item, citizen_applicant, citizen, clerk, today=dt.date(2026, 9, 1))
    set_promised_due(application, dt.date(2026, 10, 8))
    clock.set(dt.date(2026, 9, 30))
    client.force_login(clerk)
    html = client.get(QUEUE, {"status": "accepted"}).content.decode()
    assert 'data-light="promised" data-value="yellow"' in html
    yellow = client.get(QUEUE, {"status": "accepted", "light": "yellow"}).content.decode()
    assert f'data-number="{application.number}"' in yellow
    red = client.get(QUEUE, {"status": "accepted", "light": "red"}).content.decode()
    assert f'data-number="{application.number}"' not in red

    clock.set(dt.date(2026, 9, 29))  # two working days left
    html = client.get(QUEUE, {"status": "accepted"}).content.decode()
    assert 'data-light="promised" data-value="green"' in html


def test_a_case_due_on_a_holiday_is_not_red_during_the_holiday_in_the_list_or_its_filter(
    client, clerk, item, citizen, citizen_applicant, clock
):
    # Due on 5 October 2026 (National Day): due on 8 October, the first working day after
    # (Civil Code Art. 203). On 6 October it is still running.
    application = accepted(item, citizen_applicant, citizen, clerk, today=dt.date(2026, 9, 1))
    set_promised_due(application, dt.date(2026, 10, 5))
    clock.set(dt.date(2026, 10, 6))
    client.force_login(clerk)
    html = client.get(QUEUE, {"status": "accepted"}).content.decode()
    assert 'data-light="promised" data-value="yellow"' in html
    assert application.number not in client.get(QUEUE, {"status": "accepted", "light": "red"}).content.decode()
    assert application.number in client.get(QUEUE, {"status": "accepted", "light": "yellow"}).content.decode()
    clock.set(dt.date(2026, 10, 9))  # the day after the carried due date
    client.force_login(clerk)  # a new day, a new session
    assert application.number in client.get(QUEUE, {"status": "accepted", "light": "red"}).content.decode()


def test_the_approver_queue_defaults_to_reviewed_cases(client, clerk, reviewer, approver, item, citizen):
    applicant = Applicant.objects.get(user=citizen)
    waiting = accepted(item, applicant, citizen, clerk, key="a")
    reviewed = accepted(item, applicant, citizen, clerk, key="b")
    actions.do_review(reviewed, by=reviewer)
    client.force_login(approver)
    html = client.get(QUEUE).content.decode()
    assert f'data-number="{reviewed.number}"' in html
    assert f'data-number="{waiting.number}"' not in html


def test_the_queue_takes_a_fixed_number_of_queries(
    client, clerk, item, citizen, citizen_applicant, django_assert_max_num_queries
):
    for n in range(30):
        application = submit(item, citizen_applicant, citizen, key=f"k{n}")
        if n % 2:
            actions.do_accept(application, by=clerk)
    client.force_login(clerk)
    client.get(QUEUE, {"status": "all"})  # warm the calendar cache
    # session, user, groups, status counts, page count, page, permissions (2, for the
    # sidebar), the filters' items and departments
    with django_assert_max_num_queries(10):
        response = client.get(QUEUE, {"status": "all"})
    assert response.content.decode().count("data-number=") == 30


def test_the_queue_is_paged_and_keeps_its_filters(client, clerk, item, citizen, citizen_applicant, monkeypatch):
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    for n in range(3):
        submit(item, citizen_applicant, citizen, key=f"k{n}")
    client.force_login(clerk)
    first = client.get(QUEUE, {"status": "submitted"}).content.decode()
    assert first.count("data-number=") == 2
    assert "?status=submitted&amp;page=2" in first
    second = client.get(QUEUE, {"status": "submitted", "page": "2"}).content.decode()
    assert second.count("data-number=") == 1


def test_the_queue_filters_by_number(client, clerk, item, citizen, citizen_applicant):
    wanted = submit(item, citizen_applicant, citizen, key="a")
    other = submit(item, citizen_applicant, citizen, key="b")
    client.force_login(clerk)
    html = client.get(QUEUE, {"q": wanted.number[-6:].lower()}).content.decode()
    assert wanted.number in html and other.number not in html


def test_a_citizen_gets_no_queue(client, citizen):
    client.force_login(citizen)
    assert client.get(QUEUE).status_code == 403


# The case page ----------------------------------------------------------------------------


def test_the_second_of_two_accepts_gets_409(client, clerk, item, citizen, citizen_applicant):
    application = submit(item, citizen_applicant, citizen)
    client.force_login(clerk)
    first = client.post(act_url(application, "accept"))
    second = client.post(act_url(application, "accept"))
    assert first.status_code == 302
    assert second.status_code == 409
    assert "already handled by someone else" in second.content.decode()


def test_a_reviewer_who_tries_to_accept_gets_403_with_the_reason(client, reviewer, item, citizen, citizen_applicant):
    application = submit(item, citizen_applicant, citizen)
    client.force_login(reviewer)
    page = client.get(case_url(application)).content.decode()
    assert 'data-action="accept"' not in page
    response = client.post(act_url(application, "accept"))
    assert response.status_code == 403
    assert "Your role does not allow this action." in response.content.decode()
    assert Application.objects.get().status == Status.SUBMITTED


def test_stopping_the_clock_needs_the_written_notice(client, clerk, approver, item, citizen, citizen_applicant):
    application = accepted(item, citizen_applicant, citizen, clerk)
    client.force_login(approver)
    response = client.post(
        act_url(application, "stop_clock"), {"stop_clock-procedure": "专家评审", "stop_clock-expected_days": "5"}
    )
    assert response.status_code == 400
    assert not Application.objects.get().clock_stopped


def test_an_unknown_action_is_404(client, clerk, item, citizen, citizen_applicant):
    application = submit(item, citizen_applicant, citizen)
    client.force_login(clerk)
    assert client.post(act_url(application, "delete")).status_code == 404


def test_the_approver_of_another_department_gets_404(client, make_staff, item, citizen, citizen_applicant, district):
    Department.objects.create(district=district, code="ZJJ", name="宽城区住房和城乡建设局")
    other = make_staff("department_approver", "other_approver", department="ZJJ")
    application = submit(item, citizen_applicant, citizen)
    client.force_login(other)
    assert client.get(case_url(application)).status_code == 404
    assert client.post(act_url(application, "approve")).status_code == 404


def test_another_citizen_gets_404(client, item, citizen, citizen_applicant, django_user_model):
    application = submit(item, citizen_applicant, citizen)
    stranger = django_user_model.objects.create_user("stranger", password="x-pass-12345", kind="citizen")
    client.force_login(stranger)
    assert client.get(case_url(application)).status_code == 404


def test_a_supplement_notice_lists_every_problem_at_once(client, clerk, item, citizen, citizen_applicant):
    application = submit(item, citizen_applicant, citizen)
    material = applicant_material(item)
    client.force_login(clerk)
    response = client.post(
        act_url(application, "request_supplement"),
        {
            "problems-TOTAL_FORMS": "3",
            "problems-INITIAL_FORMS": "0",
            "problems-0-material": material.pk,
            "problems-0-problem": "申请书未签字",
            "problems-1-material": "",
            "problems-1-problem": "经营场所平面图不清晰",
            "problems-2-material": "",
            "problems-2-problem": "",
        },
    )
    assert response.status_code == 302
    notice = application.supplement_notices.get()
    assert sorted(notice.items.values_list("problem", flat=True)) == ["申请书未签字", "经营场所平面图不清晰"]


def test_an_empty_supplement_notice_is_refused_with_400(client, clerk, item, citizen, citizen_applicant):
    application = submit(item, citizen_applicant, citizen)
    client.force_login(clerk)
    response = client.post(
        act_url(application, "request_supplement"), {"problems-TOTAL_FORMS": "1", "problems-INITIAL_FORMS": "0"}
    )
    assert response.status_code == 400
    assert Application.objects.get().status == Status.SUBMITTED


def test_the_citizen_hands_in_the_supplement_with_a_new_upload(client, clerk, item, citizen, citizen_applicant):
    application = submit(item, citizen_applicant, citizen)
    material = applicant_material(item)
    actions.do_request_supplement(application, by=clerk, problems=[(material, "申请书未签字")])
    client.force_login(citizen)
    page = client.get(case_url(application)).content.decode()
    assert "申请书未签字" in page
    assert f'name="supplement-file_{material.pk}"' in page
    response = client.post(act_url(application, "supplement"), {f"supplement-file_{material.pk}": pdf("签字版.pdf")})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED
    assert application.supplemented_on is not None
    assert SubmittedMaterial.objects.filter(application=application, document__original_name="签字版.pdf").exists()


def test_a_refusal_without_reasons_is_400_with_the_message(client, clerk, item, citizen, citizen_applicant):
    application = submit(item, citizen_applicant, citizen)
    client.force_login(clerk)
    response = client.post(act_url(application, "refuse"), {"refuse-reasons": ""})
    assert response.status_code == 400
    assert "data-form-errors" in response.content.decode()


def test_the_clerk_who_accepted_is_told_why_he_cannot_approve(client, make_staff, reviewer, item, citizen):
    from django.contrib.auth.models import Group

    both = make_staff("window_clerk", "both", department="SCJG")
    both.groups.add(Group.objects.get(name="department_approver"))
    application = accepted(item, Applicant.objects.get(user=citizen), citizen, both)
    actions.do_review(application, by=reviewer)
    client.force_login(both)
    response = client.post(act_url(application, "approve"))
    assert response.status_code == 403
    assert "cannot approve" in response.content.decode()


def test_the_full_flow_through_the_case_page(client, clerk, reviewer, approver, item, citizen, citizen_applicant):
    application = submit(item, citizen_applicant, citizen)
    client.force_login(clerk)
    assert client.post(act_url(application, "check_in")).status_code == 302
    assert client.post(act_url(application, "accept")).status_code == 302
    client.force_login(reviewer)
    assert client.post(act_url(application, "review"), {"review-note": "材料齐全"}).status_code == 302
    client.force_login(approver)
    page = client.get(case_url(application)).content.decode()
    assert 'data-action="approve"' in page and 'data-action="extend"' in page
    stop = {
        "stop_clock-procedure": "现场核查",
        "stop_clock-expected_days": "5",
        "stop_clock-notice": "需现场核查，预计5个工作日",
    }
    assert client.post(act_url(application, "stop_clock"), stop).status_code == 302
    page = client.get(case_url(application)).content.decode()
    assert 'data-disabled-action="approve"' in page and 'data-action="approve"' not in page
    assert "Resume the clock before deciding." in page
    stopped = client.post(act_url(application, "approve"))
    assert stopped.status_code == 403
    assert "Resume the clock before deciding." in stopped.content.decode()
    assert client.post(act_url(application, "resume_clock")).status_code == 302
    extend = {"extend-days": "3", "extend-reason": "需专家论证"}
    assert client.post(act_url(application, "extend"), extend).status_code == 302
    assert client.post(act_url(application, "approve")).status_code == 302
    client.force_login(clerk)
    assert client.post(act_url(application, "complete")).status_code == 302
    application.refresh_from_db()
    assert application.status == Status.COMPLETED
    assert application.promised_deadline.extra_days == 3

    client.force_login(citizen)
    page = client.get(case_url(application)).content.decode()
    assert 'data-status="completed"' in page
    assert "需专家论证" in page  # the extension's reason is in the derivation
    assert "11010519491231002X" not in page


def test_the_case_page_shows_the_derivation_of_the_due_dates(client, clerk, item, citizen, citizen_applicant):
    application = accepted(item, citizen_applicant, citizen, clerk, today=dt.date(2026, 9, 28))
    client.force_login(clerk)
    html = client.get(case_url(application)).content.decode()
    assert "2026-10-01" in html  # the holiday skipped on the way
    assert 'data-due="promised"' in html and 'data-due="legal"' in html


# The applicant's pages --------------------------------------------------------------------


def test_my_applications_list_only_mine(client, item, citizen, citizen_applicant, clerk):
    application = submit(item, citizen_applicant, citizen)
    client.force_login(citizen)
    html = client.get(reverse("applications:mine")).content.decode()
    assert application.number in html


def test_my_messages_are_listed_and_marked_read(client, item, citizen, citizen_applicant):
    submit(item, citizen_applicant, citizen)
    client.force_login(citizen)
    response = client.get(reverse("applications:messages"))
    assert response.status_code == 200
    assert "data-notification" in response.content.decode()
    assert not Notification.objects.for_user(citizen).filter(read_at__isnull=True).exists()


# Public lookup ----------------------------------------------------------------------------

LOOKUP = reverse("applications:lookup")


def test_lookup_with_a_wrong_code_is_not_found(client, item, citizen, citizen_applicant):
    application = submit(item, citizen_applicant, citizen)
    wrong_code = client.post(LOOKUP, {"number": application.number, "code": "000000x"})
    wrong_number = client.post(LOOKUP, {"number": "220103-20260101-XXXXXX", "code": application.verification_code})
    assert wrong_code.status_code == wrong_number.status_code == 404
    assert "data-not-found" in wrong_code.content.decode()
    assert "data-lookup-result" not in wrong_code.content.decode()


def test_lookup_with_the_right_code_shows_the_status_without_personal_data(client, item, citizen, citizen_applicant):
    application = submit(item, citizen_applicant, citizen)
    response = client.post(LOOKUP, {"number": application.number.lower(), "code": application.verification_code})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-status="submitted"' in html
    assert "11010519491231002X" not in html
    assert "002X" not in html
    assert "李华" not in html


def test_lookup_is_limited_after_twenty_failures(client, item, citizen, citizen_applicant):
    application = submit(item, citizen_applicant, citizen)
    for _ in range(20):
        assert client.post(LOOKUP, {"number": application.number, "code": "999999"}).status_code == 404
    limited = client.post(LOOKUP, {"number": application.number, "code": application.verification_code})
    assert limited.status_code == 429


# Every control named once (issue 13, item 4) ---------------------------------------------


def test_the_case_page_and_the_apply_form_name_every_control_once(
    client, clerk, reviewer, item, citizen, citizen_applicant
):
    from dgov.lib.pagecheck import problems

    waiting = submit(item, citizen_applicant, citizen, key="p1")
    in_review = accepted(item, citizen_applicant, citizen, clerk, key="p2")
    pages = [
        (clerk, reverse("applications:case", args=[waiting.pk])),
        (reviewer, reverse("applications:case", args=[in_review.pk])),
        (clerk, reverse("applications:queue")),
        (citizen, apply_url(item)),
    ]
    for person, url in pages:
        client.force_login(person)
        response = client.get(url)
        assert response.status_code == 200, url
        assert problems(response.content.decode()) == [], url
    # The upload inputs say which material they take, not just "Upload".
    form = client.get(apply_url(item)).content.decode()
    assert "Upload: 食品经营许可申请书" in form  # the test client's language is English
    assert ">Upload<" not in form
