"""The working-day calendar from the command line.

manage.py workdays add 2026-09-18 20      # due date (ISO), then "provisional: …" if so
manage.py workdays between 2026-09-18 2026-10-22
manage.py workdays derive 2026-09-18 20   # the steps of the count
manage.py workdays import 2027.txt [--by USERNAME]
manage.py workdays recompute              # sweep open provisional deadlines
"""

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.forms import Form

from dgov.workdays import actions, calendar
from dgov.workdays.forms import AddForm, BetweenForm
from dgov.workdays.importfile import CalendarFileError


def _valid(form: Form) -> dict[str, Any]:
    if not form.is_valid():
        raise CommandError("; ".join(str(m) for errors in form.errors.values() for m in errors))
    return form.cleaned_data


class Command(BaseCommand):
    help = "Count working days on the calendar, or import a year's holiday arrangement."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        for name, text in (("add", "print the due date"), ("derive", "print how the due date is reached")):
            p = sub.add_parser(name, help=text)
            p.add_argument("start", help="acceptance day, YYYY-MM-DD (not counted)")
            p.add_argument("days", help="working days")
        p = sub.add_parser("between", help="working days after A up to and including B")
        p.add_argument("a")
        p.add_argument("b")
        p = sub.add_parser("import", help="import a calendar file (see dgov/workdays/README.md)")
        p.add_argument("file", help="path of the file, or - for standard input")
        p.add_argument("--by", help="username recorded as the actor")
        sub.add_parser("recompute", help="recompute open provisional deadlines")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        getattr(self, f"do_{action}")(**options)

    def do_add(self, start: str, days: str, **options: Any) -> None:
        data = _valid(AddForm({"start": start, "days": days}))
        due = calendar.add_working_days(data["start"], data["days"])
        self.stdout.write(due.date.isoformat())
        if due.provisional:
            estimated = ", ".join(str(year) for year, official, _source in due.years if not official)
            self.stdout.write(f"provisional: counted on estimated years ({estimated}), no official arrangement yet")

    def do_derive(self, start: str, days: str, **options: Any) -> None:
        data = _valid(AddForm({"start": start, "days": days}))
        for step in calendar.add_working_days(data["start"], data["days"]).derivation:
            self.stdout.write(step)

    def do_between(self, a: str, b: str, **options: Any) -> None:
        data = _valid(BetweenForm({"a": a, "b": b}))
        self.stdout.write(str(calendar.working_days_between(data["a"], data["b"])))

    def do_import(self, file: str, by: str | None = None, **options: Any) -> None:
        from dgov.accounts.models import User

        actor = None
        if by:
            actor = User.objects.filter(username=by).first()
            if actor is None:
                raise CommandError(f"No user named {by}.")
        try:
            text = sys.stdin.read() if file == "-" else Path(file).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"Cannot read {file}: {error}") from None
        try:
            result = actions.do_import_year(text, by=actor)
        except CalendarFileError as error:
            for problem in error.problems:
                self.stderr.write(str(problem))
            raise CommandError(f"{len(error.problems)} bad line(s): nothing was imported.") from None
        years = ", ".join(map(str, result.years))
        self.stdout.write(
            f"imported {years}: {result.stored} days stored, {result.skipped} weekend holiday lines skipped, "
            f"{len(result.changed)} open deadlines moved"
        )

    def do_recompute(self, **options: Any) -> None:
        changed = actions.recompute_provisional()
        self.stdout.write(f"{len(changed)} provisional deadlines moved")
