"""An application's whole journey in the browser, and the lights of the workbench.

Elements are found by ids, names and ``data-*`` attributes, so the tests do not depend
on the translation catalogue."""

from pathlib import Path

import pytest
from django.utils import timezone

from dgov.accounts.models import Applicant, Department
from dgov.applications import actions
from dgov.applications.models import Application, Channel, Status
from dgov.documents.tests import files
from dgov.services.actions import do_publish_version
from dgov.services.models import Audience, Material, OnlineLevel, Trips
from dgov.workdays.calendar import add_working_days
from dgov.workdays.models import Deadline

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def documents_root(settings, tmp_path: Path) -> Path:
    settings.DOCUMENTS_ROOT = tmp_path / "uploads"
    return settings.DOCUMENTS_ROOT


@pytest.fixture
def item(district, administrator):
    data = {
        "name": "食品经营许可",
        "kind": Audience.ENTERPRISE,
        "department": Department.objects.get(district=district, code="SCJG"),
        "legal_basis": "《中华人民共和国食品安全法》第三十五条",
        "conditions": "",
        "legal_limit_days": 20,
        "promised_limit_days": 5,
        "max_trips": Trips.ONE,
        "online_level": OnlineLevel.FULL,
        "fees": "",
        "fee_basis": "",
        "keywords": "开饭店",
    }
    basis = "《食品经营许可和备案管理办法》第十二条"
    materials = [
        {"name": "食品经营许可申请书", "source": Material.Source.APPLICANT, "legal_basis": basis, "required": True},
        {"name": "营业执照", "source": Material.Source.SHARED, "legal_basis": basis, "required": True},
    ]
    return do_publish_version(None, {"code": "KC-SCJG-001", **data}, materials, [], by=administrator)


@pytest.fixture
def reviewer(make_staff):
    return make_staff("reviewer", "reviewer")


@pytest.fixture
def pdf_file(tmp_path: Path) -> Path:
    path = tmp_path / "申请书.pdf"
    path.write_bytes(files.pdf())
    return path


def status_of(page) -> str:
    return page.locator("h1 [data-status]").get_attribute("data-status")


def act(page, action: str) -> None:
    with page.expect_navigation():
        page.click(f"[data-submit={action}]")


def test_a_citizen_applies_supplements_and_sees_the_case_completed(
    as_user, item, citizen, clerk, reviewer, approver, pdf_file
):
    material = item.current_version.materials.get(source=Material.Source.APPLICANT)
    shared = item.current_version.materials.get(source=Material.Source.SHARED)

    # The citizen applies online; the shared material is not asked for.
    citizen_page = as_user("citizen")
    citizen_page.goto(f"/applications/apply/{item.code}/")
    assert citizen_page.locator(f"[data-fetched-material='{shared.pk}']").count() == 1
    assert citizen_page.locator(f"input[name=file_{shared.pk}]").count() == 0
    citizen_page.set_input_files(f"input[name=file_{material.pk}]", pdf_file)
    act(citizen_page, "apply")
    application = Application.objects.get()
    assert citizen_page.url.endswith(f"/applications/{application.pk}/")
    assert status_of(citizen_page) == Status.SUBMITTED
    case = f"/applications/{application.pk}/"

    # The clerk lists what is wrong, all at once.
    clerk_page = as_user("clerk")
    clerk_page.goto(case)
    clerk_page.select_option("select[name=problems-0-material]", str(material.pk))
    clerk_page.fill("input[name=problems-0-problem]", "申请书未签字")
    clerk_page.fill("input[name=problems-1-problem]", "请补充经营场所平面图")
    act(clerk_page, "request_supplement")
    assert status_of(clerk_page) == Status.SUPPLEMENT

    # The citizen reads the notice and uploads the signed form.
    citizen_page.goto(case)
    assert citizen_page.locator("[data-supplement-item]").count() == 2
    citizen_page.set_input_files(f"input[name=supplement-file_{material.pk}]", pdf_file)
    act(citizen_page, "supplement")
    assert status_of(citizen_page) == Status.SUBMITTED

    # Accept, review, approve, complete: each by its own hand.
    clerk_page.goto(case)
    act(clerk_page, "accept")
    assert status_of(clerk_page) == Status.ACCEPTED
    assert clerk_page.locator("[data-due=promised]").count() == 1

    reviewer_page = as_user("reviewer")
    reviewer_page.goto("/applications/queue/")
    reviewer_page.click(f"tr[data-number='{application.number}'] a")
    reviewer_page.fill("textarea[name=review-note]", "材料齐全，符合法定形式。")
    act(reviewer_page, "review")
    assert status_of(reviewer_page) == Status.REVIEWED

    approver_page = as_user("approver")
    approver_page.goto(case)
    act(approver_page, "approve")
    assert status_of(approver_page) == Status.APPROVED

    clerk_page.goto("/applications/queue/")
    assert clerk_page.locator(f"tr[data-number='{application.number}']").get_attribute("data-status") == "approved"
    clerk_page.goto(case)
    act(clerk_page, "complete")
    assert status_of(clerk_page) == Status.COMPLETED

    citizen_page.goto("/applications/mine/")
    row = citizen_page.locator(f"tr[data-number='{application.number}']")
    assert row.get_attribute("data-status") == Status.COMPLETED
    citizen_page.goto(case)
    events = citizen_page.locator("[data-event]").evaluate_all("els => els.map(e => e.dataset.event)")
    assert events == ["submit", "request_supplement", "supplement", "accept", "review", "approve", "complete"]
    assert "11010519491231002X" not in citizen_page.content()


def test_the_workbench_shows_red_yellow_and_green_by_working_days_left(as_user, item, citizen, clerk):
    applicant = Applicant.objects.get(user=citizen)
    today = timezone.localdate()
    due = {
        "red": today - (add_working_days(today, 1).date - today),  # before today: overdue
        "yellow": add_working_days(today, 1).date,  # exactly 1 working day left, over any holiday
        "green": add_working_days(today, 10).date,
    }
    numbers = {}
    for colour, due_date in due.items():
        application, _ = actions.do_submit(
            item=item, applicant=applicant, by=citizen, channel=Channel.ONLINE, idempotency_key=colour
        )
        actions.do_accept(application, by=clerk)
        application.refresh_from_db()
        Deadline.objects.filter(pk=application.promised_deadline_id).update(due_date=due_date)
        numbers[colour] = application.number

    page = as_user("clerk")
    page.goto("/applications/queue/?status=accepted")
    for colour, number in numbers.items():
        light = page.locator(f"tr[data-number='{number}'] [data-light=promised]")
        assert light.get_attribute("data-value") == colour
        assert f"light-{colour}" in light.get_attribute("class")
