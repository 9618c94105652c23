"""A bad rating in the browser: the applicant rates, a rectification opens, the supervisor
calls back, fixes and replies within the deadline; and a rating from the window's QR
code on a phone without logging in.

Elements are found by names and ``data-*`` attributes, not by translated text."""

import pytest
from django.utils import timezone

from dgov.accounts.models import Applicant, Department
from dgov.applications import actions
from dgov.applications.models import Channel
from dgov.ratings.models import Level, Rating, Rectification, Source
from dgov.services.actions import do_publish_version
from dgov.services.models import Audience, Material, OnlineLevel, Trips

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def completed(district, administrator, citizen, clerk, make_staff, approver):
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
    materials = [{"name": "申请书", "source": Material.Source.APPLICANT, "legal_basis": basis, "required": True}]
    item = do_publish_version(None, {"code": "KC-SCJG-001", **data}, materials, [], by=administrator)
    reviewer = make_staff("reviewer", "reviewer")
    application, _ = actions.do_submit(
        item=item,
        applicant=Applicant.objects.get(user=citizen),
        by=citizen,
        channel=Channel.ONLINE,
        idempotency_key="k",
    )
    actions.do_accept(application, by=clerk)
    actions.do_review(application, by=reviewer)
    actions.do_decide(application, by=approver, approve=True)
    actions.do_complete(application, by=clerk)
    return application


def submit(page, name: str) -> None:
    with page.expect_navigation():
        page.click(f"[data-submit={name}]")


def test_a_bad_rating_leads_to_a_rectification_closed_within_its_deadline(as_user, completed, make_staff):
    make_staff("centre_supervisor", "supervisor", department="ZWFW")

    # The applicant rates the finished case from their list.
    citizen = as_user("citizen")
    citizen.goto("/ratings/mine/")
    with citizen.expect_navigation():
        citizen.click(f"[data-rate-case='{completed.pk}']")
    citizen.check(f"input[name=level][value='{Level.DISSATISFIED.value}']")
    citizen.fill("textarea[name=comment]", "咨询电话一直没人接")
    submit(citizen, "rate")
    assert citizen.locator("[data-thanks]").count() == 1
    assert citizen.locator("[data-rated]").get_attribute("data-rated") == str(Level.DISSATISFIED.value)

    rectification = Rectification.objects.select_related("deadline").get()
    due = rectification.deadline.due_date

    # The supervisor finds it green on the list and works it through.
    supervisor = as_user("supervisor")
    supervisor.goto("/ratings/rectifications/")
    row = supervisor.locator(f"tr[data-rectification='{rectification.pk}']")
    assert row.locator("[data-light]").get_attribute("data-value") == "green"
    with supervisor.expect_navigation():
        row.locator("a").click()
    supervisor.fill("textarea[name=callback-note]", "已回访，申请人反映咨询电话无人接听")
    submit(supervisor, "callback")
    supervisor.fill("textarea[name=fix-fix]", "增设咨询专线，专人值守")
    submit(supervisor, "fix")
    supervisor.fill("textarea[name=reply-reply]", "感谢您的监督，已增设咨询专线。")
    submit(supervisor, "reply")
    assert supervisor.locator("h1 [data-status]").get_attribute("data-status") == "closed"
    assert supervisor.locator("[data-light]").get_attribute("data-value") == "green"

    rectification.refresh_from_db()
    assert rectification.closed_on == timezone.localdate() <= due

    # The public page lists the measures, not who complained.
    visitor = as_user()
    visitor.goto("/ratings/public/")
    public = visitor.locator("[data-public-rectifications]").inner_text()
    assert "增设咨询专线" in public and "李华" not in public


def test_the_applicant_rates_on_a_phone_from_the_windows_qr_code(as_user, completed, citizen):
    clerk = as_user("clerk")
    clerk.goto("/ratings/window/")
    with clerk.expect_navigation():
        clerk.click(f"[data-handover-case='{completed.pk}']")
    assert clerk.locator("[data-qr] svg").count() == 1
    link = clerk.locator("[data-rating-link]").get_attribute("href")

    phone = as_user()
    phone.set_viewport_size({"width": 375, "height": 700})
    phone.goto(link)
    phone.check(f"input[name=level][value='{Level.VERY_SATISFIED.value}']")
    submit(phone, "rate")
    assert phone.locator("[data-thanks]").count() == 1
    rating = Rating.objects.get()
    assert (rating.source, rating.rated_by, rating.level) == (Source.WINDOW, citizen, Level.VERY_SATISFIED)
