"""A campaign's journey in the browser: the inspector imports the task table, a unit
reports progress with evidence, lists and rectifies a problem, publishes its list, and the
public page (on a phone-sized screen) shows the published rectification.

Elements are found by ids, names and ``data-*`` attributes, so the test does not depend
on the translation catalogue."""

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone

from dgov.accounts.models import Department
from dgov.campaigns.models import Campaign, Problem, Task
from dgov.campaigns.tests.conftest import workbook
from dgov.documents.tests import files

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def documents_root(settings, tmp_path: Path) -> Path:
    settings.DOCUMENTS_ROOT = tmp_path / "uploads"
    return settings.DOCUMENTS_ROOT


@pytest.fixture
def units(district):
    for code, name in [("DCS", "宽城区委区政府督查室"), ("TCJ", "宽城区投资促进局"), ("SWJ", "宽城区商务局")]:
        Department.objects.get_or_create(district=district, code=code, defaults={"name": name})


@pytest.fixture
def inspector(make_staff, units):
    return make_staff("inspector", "inspector", department="DCS")


@pytest.fixture
def head(make_staff, units):
    return make_staff("unit_head", "head", department="TCJ")


@pytest.fixture
def campaign(district):
    today = timezone.localdate()
    return Campaign.objects.create(
        district=district,
        theme="解放思想推动宽城高质量发展大讨论",
        starts_on=today,
        ends_on=today + dt.timedelta(days=180),
        publication_deadline=today + dt.timedelta(days=30),
    )


@pytest.fixture
def task_table(tmp_path: Path) -> Path:
    due = timezone.localdate() + dt.timedelta(days=60)
    rows = [
        ["1", "", "走出去招商", "强化开放意识，打造开放合作新高地", "设立常驻招商点", due, "TCJ", "SWJ", None],
        ["1.1", "1", "走出去招商", "在深圳设立常驻招商点", "聘请当地人员就地招商", due, "TCJ", "", None],
        ["1.2", "1", "走出去招商", "在上海设立常驻招商点", "", due, "TCJ", "", None],
    ]
    path = tmp_path / "任务分解表.xlsx"
    path.write_bytes(workbook(rows))
    return path


@pytest.fixture
def pdf_file(tmp_path: Path) -> Path:
    path = tmp_path / "招商点协议.pdf"
    path.write_bytes(files.pdf())
    return path


def submit(page, action: str) -> None:
    with page.expect_navigation():
        page.click(f"[data-submit={action}]")


def test_from_the_task_table_to_a_published_rectification(as_user, campaign, inspector, head, task_table, pdf_file):
    # The inspector imports the task table; the board lists the units.
    inspector_page = as_user("inspector")
    inspector_page.goto(f"/campaigns/{campaign.pk}/")
    with inspector_page.expect_navigation():
        inspector_page.click("[data-import]")
    inspector_page.set_input_files("input[name=file]", task_table)
    submit(inspector_page, "import")
    assert inspector_page.url.endswith(f"/campaigns/{campaign.pk}/")
    assert inspector_page.locator("tr[data-unit=TCJ] [data-green]").get_attribute("data-green") == "3"
    assert Task.objects.filter(campaign=campaign).count() == 3

    # The unit head reports on a subtask with an evidence file; the parent rolls up.
    head_page = as_user("head")
    head_page.goto("/campaigns/mine/")
    assert head_page.locator("tr[data-task='1.1']").count() == 1
    with head_page.expect_navigation():
        head_page.click("tr[data-task='1.1'] a")
    head_page.fill("form[data-action=report] textarea[name=text]", "深圳招商点已挂牌运行")
    head_page.fill("form[data-action=report] input[name=percent]", "80")
    head_page.set_input_files("form[data-action=report] input[name=uploads]", pdf_file)
    submit(head_page, "report")
    assert head_page.locator("dd[data-progress]").get_attribute("data-progress") == "80"
    assert Task.objects.get(campaign=campaign, number="1").progress == 40

    # The unit lists a problem with its measures, and rectifies it with evidence.
    head_page.goto("/campaigns/mine/")
    head_page.click("[data-open-action=add_problem]")
    form = "form[data-action=add_problem]"
    head_page.fill(f"{form} textarea[name=problem]", "招商引资方法单一")
    head_page.fill(f"{form} textarea[name=root_cause]", "依赖传统叩门招商")
    head_page.fill(f"{form} textarea[name=measures]", "在北京、上海、深圳设立常驻招商点")
    head_page.fill(f"{form} input[name=due_on]", (timezone.localdate() + dt.timedelta(days=40)).isoformat())
    head_page.fill(f"{form} input[name=responsible]", "投资促进局局长")
    submit(head_page, "add_problem")
    problem = Problem.objects.get()
    head_page.click("[data-open-action=evidence]")
    head_page.fill("form[data-action=evidence] textarea[name=note]", "三地招商点均已运行")
    submit(head_page, "evidence")
    assert head_page.locator("h1 [data-state]").get_attribute("data-state") == "evidence"

    # The inspector accepts the evidence: the problem is rectified.
    inspector_page.goto(f"/campaigns/problems/{problem.pk}/")
    inspector_page.select_option("form[data-action=decide_evidence] select[name=accept]", "yes")
    submit(inspector_page, "decide_evidence")
    assert inspector_page.locator("h1 [data-state]").get_attribute("data-state") == "closed"

    # The unit publishes its list; the public sees it on a phone.
    head_page.goto("/campaigns/mine/")
    submit(head_page, "publish")
    assert head_page.locator("[data-published]").count() == 1
    phone = as_user(None, viewport={"width": 375, "height": 740}, is_mobile=True)
    phone.goto(f"/campaigns/public/{campaign.pk}/")
    with phone.expect_navigation():
        phone.click("[data-unit=TCJ] a")
    card = phone.locator(f"[data-problem='{problem.pk}']")
    assert "在北京、上海、深圳设立常驻招商点" in card.inner_text()
    assert card.locator("[data-state]").get_attribute("data-state") == "closed"
    assert card.locator("[data-timeline] li").count() >= 3
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375 + 1
