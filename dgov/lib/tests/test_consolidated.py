"""The pieces every app shares: the clock, the conflict answer, signed links, workbooks,
the verdict of a rule, and the discovery of each app's plug-ins."""

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory
from django.utils import timezone

from dgov.lib import clock as the_clock
from dgov.lib import signing, xlsx
from dgov.lib.conflicts import Conflict, ConflictMiddleware
from dgov.lib.plugins import discover
from dgov.lib.rules import allow, deny, enforce, first_refusal, hide


def test_the_clock_moves_today_and_now_together(clock):
    clock.set(dt.date(2026, 10, 3))
    assert the_clock.today() == dt.date(2026, 10, 3)
    assert timezone.localtime(the_clock.now()).date() == dt.date(2026, 10, 3)
    clock.set(None)
    assert the_clock.today() == timezone.localdate()


def test_a_naive_moment_is_taken_as_local_time(clock):
    clock.set(dt.datetime(2026, 12, 31, 23, 30))
    assert the_clock.today() == dt.date(2026, 12, 31)


def test_a_conflict_raised_by_a_page_is_answered_409_with_its_message(rf: RequestFactory, db):
    def view(request):
        raise Conflict("已被他人处理")

    middleware = ConflictMiddleware(view)
    request = rf.get("/")
    request.user = None
    response = middleware.process_exception(request, Conflict("已被他人处理"))
    assert response is not None and response.status_code == 409
    assert "已被他人处理" in response.content.decode()
    assert middleware.process_exception(request, ValueError("x")) is None


def test_a_signed_link_reads_back_only_for_its_purpose_and_age(clock):
    token = signing.link_token("ratings.window", {"a": 7})
    assert signing.read_link_token("ratings.window", token, 60) == {"a": 7}
    with pytest.raises(signing.LinkInvalid):
        signing.read_link_token("secretaries.contact.confirm", token, 60)
    with pytest.raises(signing.LinkInvalid):
        signing.read_link_token("ratings.window", token[:-2] + "xx", 60)
    with pytest.raises(signing.LinkExpired):
        signing.read_link_token("ratings.window", token, -1)


@pytest.mark.parametrize("dangerous", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_no_cell_of_any_workbook_can_run_as_a_formula(dangerous):
    from openpyxl import load_workbook

    data = xlsx.workbook_bytes([xlsx.Sheet("s", ["h"], [[dangerous], [3], [None]])])
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet["A2"].value == "'" + dangerous
    assert sheet["A2"].data_type == "s"
    assert sheet["A3"].value == 3


def test_a_streamed_workbook_download_holds_every_row(db):
    response = xlsx.workbook_response("list.xlsx", [xlsx.Sheet("s", ["n"], ([i] for i in range(5000)))])
    from openpyxl import load_workbook

    content = b"".join(response.streaming_content)
    rows = list(load_workbook(io.BytesIO(content), read_only=True).active.iter_rows(values_only=True))
    assert len(rows) == 5001 and rows[-1] == (4999,)
    assert 'attachment; filename="list.xlsx"' in response["Content-Disposition"]


def test_an_import_reports_problems_by_row_and_column():
    data = xlsx.workbook_bytes([xlsx.Sheet("tasks", ["name", "due"], [["a", "2026-01-01"], [None, None], ["", "x"]])])
    problems = xlsx.Problems()
    for number, row in xlsx.read_sheet(data, "tasks", required=["name", "due"]):
        if not xlsx.text(row["name"]):
            problems.add(number, "name", "required")
    with pytest.raises(xlsx.ImportRejected) as caught:
        problems.raise_if_any()
    assert [(p.row, p.column) for p in caught.value.problems] == [(4, "name")]  # the empty row 3 is skipped


@pytest.mark.parametrize(
    "content,message",
    [(b"not a workbook", "not an .xlsx"), (None, "no sheet named"), ("missing", "lacks the columns")],
)
def test_a_file_that_is_not_the_expected_workbook_is_refused_with_a_reason(content, message):
    if content is None:
        content = xlsx.workbook_bytes([xlsx.Sheet("other", ["name"], [])])
    elif content == "missing":
        content = xlsx.workbook_bytes([xlsx.Sheet("tasks", ["name"], [])])
    with pytest.raises(xlsx.ImportRejected) as caught:
        list(xlsx.read_sheet(content, "tasks", required=["name", "due"]))
    assert message in str(caught.value)


def test_a_verdict_is_enforced_with_its_reason():
    assert allow() and not deny("gates not passed") and not hide()
    assert deny("x").shown and not hide("y").shown
    assert first_refusal(allow(), deny("first"), deny("second")).reason == "first"
    enforce(allow())
    with pytest.raises(PermissionDenied, match="gates not passed"):
        enforce(deny("gates not passed"))


def test_every_app_plugs_in_by_discovery():
    apps_with = {module: {app for app, _m in discover(module)} for module in ("nav", "permissions", "demo", "jobs")}
    # The foundation apps follow the same conventions as the apps built on them.
    assert {"accounts", "audit", "workdays", "applications"} <= apps_with["nav"]
    assert {"accounts", "audit", "workdays", "services", "documents", "applications"} <= apps_with["permissions"]
    assert {"notifications", "audit", "applications", "ratings", "campaigns"} <= apps_with["jobs"]
    assert {"services", "applications", "bundles", "evaluation"} <= apps_with["demo"]


def test_the_job_runner_runs_what_the_apps_declare_and_only_when_due(db):
    from dgov.lib.jobs import Job, all_jobs, run_due

    runs: list[dt.datetime] = []
    job = Job("probe", lambda now: runs.append(now) or 1, every=dt.timedelta(minutes=5))
    last: dict[str, dt.datetime] = {}
    start = timezone.now()
    assert run_due([job], last, start) == {"probe": 1}
    assert run_due([job], last, start + dt.timedelta(minutes=1)) == {}
    assert run_due([job], last, start + dt.timedelta(minutes=6)) == {"probe": 1}
    assert len(runs) == 2
    names = [j.name for j in all_jobs()]
    assert len(names) == len(set(names))


def test_a_failing_job_does_not_stop_the_others(db):
    from dgov.lib.jobs import Job, run_due

    def broken(now):
        raise RuntimeError("boom")

    done = run_due([Job("broken", broken), Job("fine", lambda now: 3)], {}, timezone.now())
    assert done == {"broken": -1, "fine": 3}
