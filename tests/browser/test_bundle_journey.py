"""A bundle's journey in the browser: one form, one acceptance at the window, two
departments approving in parallel on their ordinary case pages, and every certificate
issued together through one exit.

Elements are found by ids, names and ``data-*`` attributes, not by translated text."""

from pathlib import Path

import pytest

from dgov.bundles.models import BundleApplication
from dgov.bundles.tests import conftest as bundle_fixtures
from dgov.documents.tests import files

# The bundle suite's items, departments and officers, shared.
departments = bundle_fixtures.departments
food_item = bundle_fixtures.food_item
drain_item = bundle_fixtures.drain_item
officers = bundle_fixtures.officers

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def storage(settings, tmp_path: Path, live_server) -> None:
    settings.DOCUMENTS_ROOT = tmp_path / "uploads"
    settings.SEAL_KEY_DIR = tmp_path / "seal-keys"
    settings.CERTIFICATES_ROOT = tmp_path / "certificates"
    settings.DGOV_PUBLIC_URL = live_server.url


def act(page, action: str) -> None:
    with page.expect_navigation():
        page.click(f"[data-submit={action}]")


def status_of(page) -> str:
    return page.locator("h1 [data-status]").get_attribute("data-status")


def test_a_bundle_is_applied_for_once_accepted_once_approved_in_parallel_and_issued_together(
    as_user, district, departments, food_item, drain_item, officers, citizen, clerk, make_staff, tmp_path
):
    bundle_fixtures.certificates_for(district, departments, food_item, drain_item)
    bundle = bundle_fixtures.make_bundle(district, [food_item, drain_item])
    make_staff("seal_officer", "sealer", department="ZWFW")
    pdf = tmp_path / "材料.pdf"
    pdf.write_bytes(files.pdf())

    # The citizen finds the bundle and fills one form: the shared lease contract once.
    citizen_page = as_user("citizen")
    citizen_page.goto("/bundles/")
    with citizen_page.expect_navigation():
        citizen_page.click(f"[data-bundle={bundle.code}] h2 a")
    with citizen_page.expect_navigation():
        citizen_page.click("[data-apply]")
    inputs = citizen_page.locator("form[data-apply] input[type=file]")
    assert inputs.count() == 3
    for index in range(3):
        inputs.nth(index).set_input_files(pdf)
    act(citizen_page, "apply")
    bundle_application = BundleApplication.objects.get()
    case = f"/bundles/applications/{bundle_application.pk}/"
    assert citizen_page.url.endswith(case)
    assert status_of(citizen_page) == "submitted"

    # One window accepts the whole bundle.
    clerk_page = as_user("clerk")
    clerk_page.goto("/bundles/intake/")
    with clerk_page.expect_navigation():
        clerk_page.click(f"tr[data-number='{bundle_application.number}'] a")
    act(clerk_page, "accept")
    assert status_of(clerk_page) == "accepted"
    assert clerk_page.locator("[data-part-status=accepted]").count() == 2
    assert clerk_page.locator("[data-due=joint]").count() == 1

    # Each department reviews and approves its own part on its ordinary case page.
    numbers = {
        p.application.department.code: p.application.pk
        for p in bundle_application.parts.select_related("application__department")
    }
    pages = {}
    for code in ("SCJG", "ZJJ"):
        reviewer = as_user(f"{code.lower()}_reviewer")
        reviewer.goto(f"/applications/{numbers[code]}/")
        reviewer.fill("textarea[name=review-note]", "材料齐全")
        act(reviewer, "review")
        pages[code] = as_user(f"{code.lower()}_approver")
    act_on = pages["SCJG"]
    act_on.goto(f"/applications/{numbers['SCJG']}/")
    act(act_on, "approve")

    # Halfway: the bundle waits for the building department, now its critical path.
    citizen_page.goto(case)
    assert status_of(citizen_page) == "accepted"
    assert citizen_page.locator("[data-critical]").get_attribute("data-part") == "ZJJ"

    pages["ZJJ"].goto(f"/applications/{numbers['ZJJ']}/")
    act(pages["ZJJ"], "approve")

    # The seal officer issues both certificates at once.
    sealer_page = as_user("sealer")
    sealer_page.goto(case)
    assert status_of(sealer_page) == "ready"
    act(sealer_page, "issue")
    assert status_of(sealer_page) == "issued"
    assert sealer_page.locator("[data-certificate]").count() == 2

    citizen_page.goto(case)
    assert status_of(citizen_page) == "issued"
    assert citizen_page.locator("[data-certificate]").count() == 2
    events = citizen_page.locator("[data-event]").evaluate_all("els => els.map(e => e.dataset.event)")
    assert events == ["submit", "accept", "decided", "issue"]
    assert "11010519491231002X" not in citizen_page.content()

    # The applicant's bundle page works on a phone.
    citizen_page.set_viewport_size({"width": 375, "height": 740})
    citizen_page.goto(case)
    assert citizen_page.evaluate("document.documentElement.scrollWidth") <= 375
