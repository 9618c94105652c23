"""The task table: lights across holidays, the catch-up rule, roll-up, closing, extensions,
red cards, reminders and the .xlsx import/export."""

import datetime as dt
import io
import re
import zipfile
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dgov.audit.models import AuditEntry
from dgov.campaigns import actions
from dgov.campaigns.models import Event, Extension, Light, Status, Task, TaskLights
from dgov.campaigns.reports import board_rows
from dgov.campaigns.spreadsheet import do_import_tasks, parse_tasks, task_sheet
from dgov.campaigns.tests.conftest import workbook
from dgov.lib.conflicts import Conflict
from dgov.lib.xlsx import ImportRejected, workbook_bytes
from dgov.notifications.models import Notification
from dgov.workdays.testing import CALENDAR_2027

D = dt.date
pytestmark = pytest.mark.django_db


def lights_on(task: Task, day: dt.date) -> tuple[Light, Light]:
    """The light of the task page (Python) and of the board (SQL) must agree."""
    task.refresh_from_db()
    limits = TaskLights(task.campaign, day)
    tasks = Task.objects.filter(pk=task.pk)
    sql = (
        Light.RED
        if tasks.filter(limits.red()).exists()
        else Light.YELLOW
        if tasks.filter(limits.yellow()).exists()
        else Light.GREEN
    )
    return task.light(day), sql


# Traffic lights --------------------------------------------------------------------------


def test_lights_count_working_days_across_the_national_day_holiday(make_task):
    # Due Monday 8 October 2018: from Friday 28 September that is 10 calendar days but,
    # with 1–3 October off, only 3 working days (4, 5 and 8 October): yellow, not green.
    task = make_task("1", D(2018, 10, 8))
    assert lights_on(task, D(2018, 9, 28)) == (Light.YELLOW, Light.YELLOW)
    assert lights_on(task, D(2018, 9, 27)) == (Light.GREEN, Light.GREEN)
    assert lights_on(task, D(2018, 10, 2)) == (Light.YELLOW, Light.YELLOW)
    assert lights_on(task, D(2018, 10, 8)) == (Light.YELLOW, Light.YELLOW)
    assert lights_on(task, D(2018, 10, 9)) == (Light.RED, Light.RED)


def test_the_yellow_threshold_is_a_setting(make_task, settings):
    task = make_task("1", D(2018, 10, 8))
    settings.DGOV_YELLOW_DAYS = {**settings.DGOV_YELLOW_DAYS, "campaign": 2}
    assert lights_on(task, D(2018, 9, 28)) == (Light.GREEN, Light.GREEN)


def test_a_red_task_that_catches_up_shows_yellow_until_the_next_reporting_period(make_task, head, clock):
    task = make_task("1", D(2018, 11, 5))  # a Monday
    assert lights_on(task, D(2018, 11, 7)) == (Light.RED, Light.RED)
    clock.set(D(2018, 11, 7))
    actions.do_close_task(task, by=head)
    assert lights_on(task, D(2018, 11, 7)) == (Light.YELLOW, Light.YELLOW)
    assert lights_on(task, D(2018, 11, 11)) == (Light.YELLOW, Light.YELLOW)  # Sunday, same week
    assert lights_on(task, D(2018, 11, 12)) == (Light.GREEN, Light.GREEN)  # the next week


def test_a_task_closed_on_time_is_green_at_once(make_task, head, clock):
    task = make_task("1", D(2018, 11, 9))
    clock.set(D(2018, 11, 8))
    actions.do_close_task(task, by=head)
    assert lights_on(task, D(2018, 11, 8)) == (Light.GREEN, Light.GREEN)


def test_monthly_reporting_keeps_a_caught_up_task_yellow_to_the_end_of_the_month(make_task, head, clock):
    task = make_task("1", D(2018, 11, 5))
    task.campaign.reporting_period = "month"
    task.campaign.save()
    clock.set(D(2018, 11, 7))
    actions.do_close_task(task, by=head)
    assert lights_on(task, D(2018, 11, 30)) == (Light.YELLOW, Light.YELLOW)
    assert lights_on(task, D(2018, 12, 3)) == (Light.GREEN, Light.GREEN)


def test_an_inspector_shows_a_red_card_with_a_reason_and_the_unit_is_told(make_task, inspector, head):
    task = make_task("1", D(2018, 12, 28))
    actions.do_red_card(task, by=inspector, reason="台账不实")
    assert lights_on(task, D(2018, 11, 1)) == (Light.RED, Light.RED)
    assert Event.objects.get(task=task, verb=Event.Verb.RED_CARD).note == "台账不实"
    assert Notification.objects.filter(recipient=head, subject__contains="1").exists()
    assert AuditEntry.objects.filter(verb="campaigns.task.red_card").exists()


def test_lifting_a_red_card_is_catching_up(make_task, inspector, clock):
    task = make_task("1", D(2018, 12, 28))
    actions.do_red_card(task, by=inspector, reason="台账不实")
    clock.set(D(2018, 11, 6))
    actions.do_lift_red_card(task, by=inspector, reason="已整改")
    assert lights_on(task, D(2018, 11, 6)) == (Light.YELLOW, Light.YELLOW)
    assert lights_on(task, D(2018, 11, 12)) == (Light.GREEN, Light.GREEN)


def test_a_unit_head_cannot_show_a_red_card(make_task, head):
    task = make_task("1", D(2018, 12, 28))
    with pytest.raises(PermissionDenied):
        actions.do_red_card(task, by=head, reason="x")
    assert not Task.objects.get(pk=task.pk).red_carded


# Roll-up and closing ----------------------------------------------------------------------


def test_a_parents_progress_is_the_weighted_sum_of_its_children(make_task, head, units):
    parent = make_task("1", D(2018, 12, 28))
    a = make_task("1.1", D(2018, 12, 28), parent=parent, weight=Decimal(70))
    make_task("1.2", D(2018, 12, 28), parent=parent, weight=Decimal(30))
    actions.do_report_progress(a, by=head, text="三地常驻招商点已设立", percent=50)
    parent.refresh_from_db()
    assert parent.progress == 35  # 0.7 × 50 + 0.3 × 0


def test_unweighted_children_give_the_plain_average(make_task, head):
    parent = make_task("1", D(2018, 12, 28))
    a = make_task("1.1", D(2018, 12, 28), parent=parent)
    b = make_task("1.2", D(2018, 12, 28), parent=parent)
    make_task("1.3", D(2018, 12, 28), parent=parent)
    actions.do_report_progress(a, by=head, text="a", percent=90)
    actions.do_report_progress(b, by=head, text="b", percent=60)
    parent.refresh_from_db()
    assert parent.progress == 50


def test_roll_up_reaches_the_grandparent(make_task, head):
    root = make_task("1", D(2018, 12, 28))
    mid = make_task("1.1", D(2018, 12, 28), parent=root)
    make_task("1.2", D(2018, 12, 28), parent=root)
    leaf = make_task("1.1.1", D(2018, 12, 28), parent=mid)
    actions.do_report_progress(leaf, by=head, text="done", percent=100)
    root.refresh_from_db()
    assert root.progress == 50


def test_a_parent_cannot_close_while_a_subtask_is_open_and_the_refusal_names_it(make_task, head, client):
    parent = make_task("1", D(2018, 12, 28))
    make_task("1.1", D(2018, 12, 28), parent=parent)
    client.force_login(head)
    page = client.get(reverse("campaigns:task", args=[parent.pk])).content.decode()
    assert 'data-disabled-action="close"' in page and "任务 1.1" in page  # a disabled button with the reason
    response = client.post(reverse("campaigns:task_act", args=[parent.pk, "close"]), {"note": ""})
    assert response.status_code == 403
    assert "1.1" in response.content.decode()
    assert "任务 1.1" in response.content.decode()
    assert Task.objects.get(pk=parent.pk).status == Status.OPEN


def test_a_parent_closes_once_its_subtasks_are_closed(make_task, head):
    parent = make_task("1", D(2018, 12, 28))
    child = make_task("1.1", D(2018, 12, 28), parent=parent)
    actions.do_close_task(child, by=head)
    actions.do_close_task(parent, by=head)
    parent.refresh_from_db()
    assert parent.status == Status.CLOSED
    assert parent.progress == 100


def test_a_unit_reports_progress_with_evidence_files(make_task, head, client):
    from dgov.documents.tests import files

    task = make_task("1", D(2018, 12, 28))
    client.force_login(head)
    upload = SimpleUploadedFile("台账.pdf", files.pdf(), content_type="application/pdf")
    response = client.post(
        reverse("campaigns:task_act", args=[task.pk, "report"]),
        {"text": "签约3个项目", "percent": "40", "uploads": upload},
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.progress == 40
    event = Event.objects.get(task=task, verb=Event.Verb.REPORT)
    document = event.documents.get()
    download = client.get(reverse("campaigns:document", args=[document.pk]))
    assert download.status_code == 200
    # Evidence is served as every upload is: a download, never a page (issue 19 §2).
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["Content-Security-Policy"] == "sandbox; default-src 'none'"


def test_a_report_sent_twice_is_recorded_once(make_task, head, client):
    task = make_task("1", D(2018, 12, 28))
    client.force_login(head)
    url = reverse("campaigns:task_act", args=[task.pk, "report"])
    for _ in range(2):
        assert client.post(url, {"text": "签约3个项目", "percent": "40"}).status_code == 302
    assert Event.objects.filter(task=task, verb=Event.Verb.REPORT).count() == 1


def test_an_inspector_opens_a_campaign(inspector, client):
    client.force_login(inspector)
    data = {
        "theme": "解放思想推动宽城高质量发展大讨论",
        "starts_on": "2018-06-01",
        "ends_on": "2018-12-31",
        "publication_deadline": "2018-11-15",
        "reporting_period": "week",
    }
    response = client.post(reverse("campaigns:new"), data)
    assert response.status_code == 302
    assert client.post(reverse("campaigns:new"), {**data, "ends_on": "2018-01-01"}).status_code == 400
    assert AuditEntry.objects.filter(verb="campaigns.campaign.create").count() == 1


def test_another_units_head_neither_sees_nor_reports_on_the_task(make_task, other_head, client):
    task = make_task("1", D(2018, 12, 28))
    client.force_login(other_head)
    assert client.get(reverse("campaigns:task", args=[task.pk])).status_code == 404
    response = client.post(reverse("campaigns:task_act", args=[task.pk, "report"]), {"text": "x", "percent": "90"})
    assert response.status_code == 404
    assert Task.objects.get(pk=task.pk).progress == 0


def test_staff_of_another_district_do_not_see_the_board(campaign, make_staff, other_district, client):
    stranger = make_staff("inspector", "stranger", department=None, in_district=other_district)
    client.force_login(stranger)
    assert client.get(reverse("campaigns:board", args=[campaign.pk])).status_code == 404


# Extensions -------------------------------------------------------------------------------


def test_a_granted_extension_keeps_the_original_deadline_beside_the_new_one(make_task, head, inspector, client, clock):
    task = make_task("1", D(2018, 11, 5))
    clock.set(D(2018, 11, 7))  # overdue: red
    extension = actions.do_request_extension(task, by=head, reason="项目落位周期长", new_due_on=D(2018, 12, 14))
    actions.do_decide_extension(extension, by=inspector, grant=True)
    task.refresh_from_db()
    assert (task.due_on, task.original_due_on, task.extensions) == (D(2018, 12, 14), D(2018, 11, 5), 1)
    assert lights_on(task, D(2018, 11, 7)) == (Light.YELLOW, Light.YELLOW)  # caught up
    assert lights_on(task, D(2018, 11, 12)) == (Light.GREEN, Light.GREEN)
    second = actions.do_request_extension(task, by=head, reason="再延", new_due_on=D(2018, 12, 28))
    actions.do_decide_extension(second, by=inspector, grant=True)
    task.refresh_from_db()
    assert (task.due_on, task.original_due_on, task.extensions) == (D(2018, 12, 28), D(2018, 11, 5), 2)
    client.force_login(head)
    html = client.get(reverse("campaigns:task", args=[task.pk])).content.decode()
    assert 'data-original-due="2018-11-05"' in html
    assert 'data-due="2018-12-28"' in html
    assert 'data-extensions="2"' in html


def test_a_refused_extension_leaves_the_deadline(make_task, head, inspector):
    task = make_task("1", D(2018, 11, 5))
    extension = actions.do_request_extension(task, by=head, reason="r", new_due_on=D(2018, 12, 14))
    actions.do_decide_extension(extension, by=inspector, grant=False, note="理由不充分")
    task.refresh_from_db()
    assert (task.due_on, task.extensions) == (D(2018, 11, 5), 0)


def test_the_board_lists_what_waits_for_an_inspector(make_task, head, inspector, client):
    task = make_task("1", D(2018, 11, 5))
    actions.do_request_extension(task, by=head, reason="r", new_due_on=D(2018, 12, 14))
    client.force_login(inspector)
    html = client.get(reverse("campaigns:board", args=[task.campaign.pk])).content.decode()
    assert "data-waiting-extension" in html
    assert reverse("campaigns:task", args=[task.pk]) in html


def test_a_second_pending_request_is_refused_and_a_decision_is_taken_once(make_task, head, inspector):
    task = make_task("1", D(2018, 11, 5))
    extension = actions.do_request_extension(task, by=head, reason="r", new_due_on=D(2018, 12, 14))
    with pytest.raises(Conflict):
        actions.do_request_extension(task, by=head, reason="r", new_due_on=D(2018, 12, 21))
    actions.do_decide_extension(extension, by=inspector, grant=True)
    with pytest.raises(Conflict):
        actions.do_decide_extension(Extension.objects.get(pk=extension.pk), by=inspector, grant=True)
    assert Task.objects.get(pk=task.pk).extensions == 1


def test_a_new_deadline_must_be_later(make_task, head, client):
    task = make_task("1", D(2018, 11, 5))
    client.force_login(head)
    response = client.post(
        reverse("campaigns:task_act", args=[task.pk, "request_extension"]),
        {"new_due_on": "2018-11-01", "reason": "x"},
    )
    assert response.status_code == 400
    assert not Extension.objects.exists()


# Reminders ----------------------------------------------------------------------------------


def test_reminders_go_out_once_before_the_deadline_and_once_on_red(make_task, head, campaign):
    campaign.ends_on = D(2030, 12, 31)
    campaign.save()
    soon = make_task("1", D(2018, 11, 8))
    late = make_task("2", D(2018, 11, 1))
    make_task("3", D(2018, 12, 28))
    done = make_task("4", D(2018, 11, 1))
    Task.objects.filter(pk=done.pk).update(status=Status.CLOSED)
    assert actions.send_reminders(D(2018, 11, 5)) == 2
    assert actions.send_reminders(D(2018, 11, 5)) == 0  # idempotent
    assert soon.reminders.get().kind == "before"
    assert late.reminders.get().kind == "red"
    assert Notification.objects.filter(recipient=head, channel="app").count() == 2
    assert actions.send_reminders(D(2018, 11, 9)) == 1  # task 1 turned red
    assert soon.reminders.count() == 2


def test_a_task_extended_after_its_red_reminder_gets_a_new_red_reminder_when_overdue_again(
    make_task, head, inspector, campaign, clock
):
    campaign.ends_on = D(2030, 12, 31)
    campaign.save()
    task = make_task("1", D(2018, 11, 1))
    assert actions.send_reminders(D(2018, 11, 5)) == 1  # red for 1 November
    clock.set(D(2018, 11, 5))
    extension = actions.do_request_extension(task, by=head, reason="落位周期长", new_due_on=D(2018, 11, 8))
    actions.do_decide_extension(extension, by=inspector, grant=True)
    assert actions.send_reminders(D(2018, 11, 6)) == 1  # before 8 November
    assert actions.send_reminders(D(2018, 11, 9)) == 1  # red again, for 8 November
    assert sorted((r.kind, r.due_on) for r in task.reminders.all()) == [
        ("before", D(2018, 11, 8)),
        ("red", D(2018, 11, 1)),
        ("red", D(2018, 11, 8)),
    ]


# Import and export -------------------------------------------------------------------------


ROWS = [
    [
        "1",
        "",
        "走出去招商",
        "强化开放意识，打造开放合作新高地",
        "设立常驻招商点",
        "2018-12-28",
        "TCJ",
        "SCJG,WJJ",
        None,
    ],
    ["1.1", "1", "走出去招商", "北京常驻招商点", "聘请当地人员", dt.datetime(2018, 11, 30), "TCJ", "", 60],
    ["1.2", "1", "走出去招商", "深圳常驻招商点", "", "2018-11-30", "TCJ", "", 40],
]


def test_an_import_creates_the_task_table_with_subtasks_and_co_units(campaign, inspector, units):
    result = do_import_tasks(campaign, parse_tasks(workbook(ROWS), campaign), by=inspector)
    assert len(result.created) == 3
    top = Task.objects.get(campaign=campaign, number="1")
    assert {u.code for u in top.co_units.all()} == {"SCJG", "WJJ"}
    assert [c.number for c in top.children.order_by("number")] == ["1.1", "1.2"]
    assert Task.objects.get(number="1.1").weight == Decimal(60)
    assert set(campaign.units.values_list("code", flat=True)) == {"TCJ", "SCJG", "WJJ"}


def test_an_import_reports_every_bad_row_and_writes_nothing(campaign, inspector, units, client):
    bad = [
        *ROWS,
        ["", "", "f", "c", "", "2018-12-01", "TCJ", "", None],
        ["2", "9", "f", "c", "", "someday", "NOPE", "XYZ", None],
        ["1", "", "f", "c", "", "2018-12-01", "TCJ", "", "-3"],
    ]
    client.force_login(inspector)
    upload = SimpleUploadedFile("t.xlsx", workbook(bad))
    response = client.post(reverse("campaigns:import", args=[campaign.pk]), {"file": upload})
    assert response.status_code == 400
    html = response.content.decode()
    for expected in (
        "Row 5, column number",
        "Row 6, column parent",
        "Row 6, column deadline",
        "Row 6, column lead_unit",
        "Row 6, column co_units",
        "Row 7, column number",
        "Row 7, column weight",
    ):
        assert expected in html
    assert not Task.objects.exists()


def test_siblings_are_weighted_all_or_none(campaign, units):
    rows = [ROWS[0], ROWS[1], [*ROWS[2][:8], None]]
    with pytest.raises(ImportRejected) as error:
        parse_tasks(workbook(rows), campaign)
    assert "weight" in error.value.messages[0]


def test_exporting_and_importing_again_changes_nothing(campaign, inspector, units):
    do_import_tasks(campaign, parse_tasks(workbook(ROWS), campaign), by=inspector)
    again = do_import_tasks(campaign, parse_tasks(workbook_bytes([task_sheet(campaign)]), campaign), by=inspector)
    assert (again.created, again.updated, again.unchanged) == ([], [], 3)


def test_an_import_does_not_move_a_deadline(campaign, inspector, units):
    do_import_tasks(campaign, parse_tasks(workbook(ROWS), campaign), by=inspector)
    moved = [[*ROWS[0][:5], "2019-01-31", *ROWS[0][6:]]]
    with pytest.raises(ImportRejected) as error:
        parse_tasks(workbook(moved), campaign)
    assert "extension" in error.value.messages[0]


def test_a_file_that_is_not_a_workbook_is_refused(campaign, inspector, client):
    client.force_login(inspector)
    response = client.post(
        reverse("campaigns:import", args=[campaign.pk]), {"file": SimpleUploadedFile("t.xlsx", b"not a zip")}
    )
    assert response.status_code == 400
    assert not Task.objects.exists()


def test_a_unit_head_cannot_import(campaign, head, client):
    client.force_login(head)
    response = client.post(
        reverse("campaigns:import", args=[campaign.pk]), {"file": SimpleUploadedFile("t.xlsx", workbook(ROWS))}
    )
    assert response.status_code == 403
    assert not Task.objects.exists()


# The board ----------------------------------------------------------------------------------


def test_the_board_counts_lights_per_unit_in_a_fixed_number_of_queries(campaign, make_task, inspector, units, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for n in range(12):
        make_task(f"{n}", D(2018, 11, 1) if n % 3 == 0 else D(2018, 12, 28), unit="TCJ" if n % 2 else "WJJ")
    campaign.units.add(units["TCJ"], units["WJJ"])
    rows = {r.unit.code: r for r in board_rows(campaign, D(2018, 11, 5))}
    assert (rows["TCJ"].tasks, rows["TCJ"].red) == (6, 2)
    assert (rows["WJJ"].tasks, rows["WJJ"].red) == (6, 2)
    client.force_login(inspector)
    url = reverse("campaigns:board", args=[campaign.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for n in range(12, 40):
        make_task(f"{n}", D(2018, 12, 28), unit=("SCJG", "DCS", "TCJ")[n % 3])
    campaign.units.add(units["SCJG"], units["DCS"])
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few)


def _rewrite_sheet(content: bytes, change) -> bytes:
    """The workbook with its first sheet's XML passed through ``change``."""
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = change(data)
            target.writestr(item, data)
    return out.getvalue()


def test_a_workbook_with_a_broken_sheet_is_refused_with_a_clear_error(campaign, inspector, client):
    broken = _rewrite_sheet(workbook(ROWS), lambda xml: xml[: len(xml) // 2])
    client.force_login(inspector)
    response = client.post(
        reverse("campaigns:import", args=[campaign.pk]), {"file": SimpleUploadedFile("t.xlsx", broken)}
    )
    assert response.status_code == 400
    assert "The file is not an .xlsx workbook." in response.content.decode()
    assert not Task.objects.exists()


def test_short_rows_of_a_sheet_without_dimensions_are_read_as_blank_cells(campaign, inspector, units):
    rows = [["1", "", "走出去招商", "北京常驻招商点", "", "2018-11-30", "TCJ"]]  # no co_units, no weight
    content = _rewrite_sheet(workbook(rows), lambda xml: re.sub(rb"<dimension[^>]*/>", b"", xml))
    assert b"<dimension" not in zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet1.xml")
    [item] = parse_tasks(content, campaign)
    assert (item.number, item.lead_unit.code, item.co_units, item.weight) == ("1", "TCJ", [], None)


def test_an_import_rolls_progress_up_to_the_grandparent(campaign, make_task, inspector):
    top = make_task("1", D(2018, 12, 28))
    middle = make_task("1.1", D(2018, 12, 28), parent=top)
    make_task("1.1.1", D(2018, 12, 28), parent=middle)
    Task.objects.update(progress=100)
    new = [["1.1.2", "1.1", "走出去招商", "深圳常驻招商点", "", "2018-12-28", "TCJ", "", None]]
    do_import_tasks(campaign, parse_tasks(workbook(new), campaign), by=inspector)
    assert Task.objects.get(number="1.1").progress == 50
    assert Task.objects.get(number="1").progress == 50


def test_a_weight_that_rounds_beyond_the_column_is_a_row_problem(campaign, units):
    rows = [ROWS[0], [*ROWS[1][:8], "9999.999"], ROWS[2]]
    with pytest.raises(ImportRejected) as error:
        parse_tasks(workbook(rows), campaign)
    assert error.value.messages[0] == "Row 3, column weight: a positive number is needed, not “9999.999”."


def test_an_import_gives_a_closed_task_no_new_subtask(campaign, make_task, inspector):
    top = make_task("1", D(2018, 12, 28))
    Task.objects.filter(pk=top.pk).update(status=Status.CLOSED)
    new = [["1.1", "1", "走出去招商", "北京常驻招商点", "", "2018-12-28", "TCJ", "", None]]
    with pytest.raises(ImportRejected) as error:
        parse_tasks(workbook(new), campaign)
    assert error.value.messages == ["Row 2, column parent: task 1 is closed; a closed task gets no new subtask."]
    Task.objects.filter(pk=top.pk).update(status=Status.OPEN)
    parsed = parse_tasks(workbook(new), campaign)
    Task.objects.filter(pk=top.pk).update(status=Status.CLOSED)  # closed while the file was checked
    with pytest.raises(ImportRejected):
        do_import_tasks(campaign, parsed, by=inspector)
    assert not Task.objects.filter(number="1.1").exists()


# A deadline on a holiday (Civil Code Art. 203) ---------------------------------------------


def test_a_task_due_on_national_day_turns_red_only_after_the_next_working_day_and_no_red_reminder_goes_out_on_the_holiday(
    campaign, make_task, head, inspector, units, client, clock
):
    # 2026: 1–7 October off (National Day and Mid-Autumn), 8 October the first working day.
    campaign.ends_on = D(2026, 12, 31)
    campaign.save()
    task = make_task("1", D(2026, 10, 5))
    campaign.units.add(units["TCJ"])
    for day in [D(2026, 10, 1) + dt.timedelta(days=i) for i in range(8)]:  # 1–8 October
        clock.set(day)
        assert lights_on(task, day) == (Light.YELLOW, Light.YELLOW), day
        assert {r.unit.code: r.red for r in board_rows(campaign, day)}["TCJ"] == 0
        sent = actions.send_reminders()
        assert sent == (1 if day == D(2026, 10, 8) else 0), day  # nothing goes out on a holiday
        assert not task.reminders.filter(kind="red").exists(), day
    assert task.reminders.get().kind == "before"
    clock.set(D(2026, 10, 9))
    assert lights_on(task, D(2026, 10, 9)) == (Light.RED, Light.RED)
    assert actions.send_reminders() >= 1
    assert task.reminders.get(kind="red").due_on == D(2026, 10, 5)
    # The date as set stays visible beside the day it falls due.
    client.force_login(head)
    page = client.get(reverse("campaigns:task", args=[task.pk])).content.decode()
    assert 'data-due="2026-10-05"' in page and 'data-due-carried="2026-10-08"' in page


def test_a_2027_deadline_is_marked_provisional_until_the_notice_is_imported_and_then_follows_it(
    campaign, make_task, head, units, administrator, client
):
    """Issue 20.5: a date in a year without an official calendar says so wherever it is
    shown; the day it falls due (Art. 203) is read live, so an import moves it."""
    from dgov.workdays.actions import do_import_year

    campaign.ends_on = D(2027, 12, 31)
    campaign.save()
    task = make_task("1", D(2027, 2, 5))  # Fri 5 Feb 2027: 除夕 on the statutory estimate
    campaign.units.add(units["TCJ"])
    client.force_login(head)
    urls = reverse("campaigns:task", args=[task.pk]), reverse("campaigns:unit", args=[campaign.pk, units["TCJ"].pk])
    for url in urls:
        page = client.get(url).content.decode()
        # Estimated: 5, 8, 9, 10 Feb off, so due on Thu 11 Feb, provisionally.
        assert 'data-due="2027-02-05"' in page and 'data-due-carried="2027-02-11"' in page, url
        assert "data-provisional-tag" in page, url
    do_import_year(CALENDAR_2027, by=administrator)
    for url in urls:
        page = client.get(url).content.decode()
        # Official: Fri 5 Feb is a working day, due that day; nothing provisional any more.
        assert 'data-due="2027-02-05"' in page and "data-due-carried" not in page, url
        assert "data-provisional-tag" not in page, url
    # A date in an official year is never marked.
    Task.objects.filter(pk=task.pk).update(due_on=D(2026, 10, 5), original_due_on=D(2026, 10, 5))
    assert "data-provisional-tag" not in client.get(urls[0]).content.decode()


def test_no_reminder_at_all_is_sent_on_a_rest_day(make_task, campaign, clock):
    campaign.ends_on = D(2026, 12, 31)
    campaign.save()
    make_task("1", D(2026, 9, 30))  # overdue from 1 October
    clock.set(D(2026, 10, 3))
    assert actions.send_reminders() == 0
    clock.set(D(2026, 10, 8))
    assert actions.send_reminders() == 1


def test_a_task_text_that_looks_like_a_formula_is_exported_as_text(campaign, make_task, inspector, client):
    task = make_task("1", D(2018, 12, 28))
    Task.objects.filter(pk=task.pk).update(content='=HYPERLINK("http://evil","x")', form="+1")
    client.force_login(inspector)
    response = client.get(reverse("campaigns:export", args=[campaign.pk]))
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(response.getvalue()))["tasks"]
    form, content = sheet["C2"], sheet["D2"]
    assert (form.data_type, form.value) == ("s", "'+1")
    assert (content.data_type, content.value) == ("s", '\'=HYPERLINK("http://evil","x")')


def test_a_co_units_head_sees_the_lead_unit_named_but_not_linked(make_task, units, head, other_head, client):
    """The co-unit's head may open the task, not the lead unit's page: no link that 404s."""
    task = make_task("7", dt.date(2018, 11, 30), unit="TCJ")
    task.co_units.add(units["WJJ"])
    lead_page = reverse("campaigns:unit", args=[task.campaign_id, units["TCJ"].pk])
    client.force_login(other_head)
    page = client.get(reverse("campaigns:task", args=[task.pk])).content.decode()
    assert "投资促进局" in page and f'href="{lead_page}"' not in page
    assert client.get(lead_page).status_code == 404
    client.force_login(head)
    assert f'href="{lead_page}"' in client.get(reverse("campaigns:task", args=[task.pk])).content.decode()
    assert client.get(lead_page).status_code == 200
