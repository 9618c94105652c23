import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from dgov.workdays.models import CalendarYear

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    with translation.override("en"):
        call_command("workdays", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_add_prints_the_iso_due_date_alone():
    assert run("add", "2026-09-18", "20") == "2026-10-22\n"


def test_add_says_provisional_on_a_second_line_when_a_year_is_estimated():
    lines = run("add", "2026-12-10", "20").splitlines()
    assert lines[0] == "2027-01-08"
    assert lines[1].startswith("provisional:") and "2027" in lines[1]


def test_between_prints_the_count():
    assert run("between", "2026-09-18", "2026-10-22") == "20\n"
    assert run("between", "2026-10-22", "2026-09-18") == "-20\n"


def test_derive_prints_the_steps():
    out = run("derive", "2026-09-18", "20")
    assert "2026-10-10 (Saturday): make-up working day counted" in out
    assert out.splitlines()[-1].startswith("Due on 2026-10-22")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("add", "2026-02-30", "20"), "2026-02-30 is not a date that exists"),
        (("add", "2026-09-18", "-1"), "cannot be negative"),
        (("add", "2026-09-18", "many"), "whole number"),
        (("between", "2026-09-18", "18/10/2026"), "YYYY-MM-DD"),
    ],
)
def test_bad_input_is_a_command_error_with_a_clear_message(args, message):
    with pytest.raises(CommandError, match=message) as caught:
        run(*args)
    assert caught.value.returncode == 1


def test_import_reads_a_file(tmp_path):
    path = tmp_path / "2027.txt"
    path.write_text("2027-01-01,holiday,元旦\n2027-02-20,workday,春节调休\n", encoding="utf-8")
    assert run("import", str(path)).startswith("imported 2027: 2 days stored")
    assert CalendarYear.objects.get(year=2027).official


def test_import_prints_every_bad_line_and_fails(tmp_path):
    path = tmp_path / "bad.txt"
    path.write_text("2027-02-30,holiday,x\n2027-01-01,oops,x\n", encoding="utf-8")
    err = StringIO()
    with pytest.raises(CommandError) as caught, translation.override("en"):
        call_command("workdays", "import", str(path), stdout=StringIO(), stderr=err)
    assert caught.value.returncode == 1
    assert "Line 1: 2027-02-30 is not a date that exists." in err.getvalue()
    assert "Line 2: unknown kind" in err.getvalue()
    assert not CalendarYear.objects.filter(year=2027).exists()


def test_recompute_sweeps_provisional_deadlines(deadline_for):
    deadline_for(dt.date(2026, 12, 10), 20)
    assert run("recompute") == "0 provisional deadlines moved\n"
