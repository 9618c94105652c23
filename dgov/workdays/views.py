import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from dgov.accounts.access import AuthedRequest, staff_or_403
from dgov.lib import clock
from dgov.lib.rules import enforce
from dgov.workdays import actions, calendar
from dgov.workdays.calendar import FIRST_YEAR, LAST_YEAR
from dgov.workdays.forms import NORMAL, AddForm, BetweenForm, DayForm, ImportForm
from dgov.workdays.importfile import CalendarFileError
from dgov.workdays.models import CalendarDay, CalendarYear
from dgov.workdays.rules import may_edit_calendar


@login_required
def this_year(request: AuthedRequest) -> HttpResponse:
    return redirect("workdays:year", year=clock.today().year)


@login_required
def year_view(request: AuthedRequest, year: int) -> HttpResponse:
    """A year's holidays and make-up working days, and whether they are official."""
    staff_or_403(request)
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise Http404
    year_row = CalendarYear.objects.filter(year=year, official=True).first()
    if year_row is not None:
        days: list[Any] = list(
            CalendarDay.objects.filter(date__year=year).select_related("updated_by").order_by("date")
        )
    else:
        days = [
            {"date": d, "kind": kind, "note": note, "get_kind_display": CalendarDay.Kind(kind).label}
            for d, kind, note in calendar.estimate_year(year).exceptions()
        ]
    return render(
        request,
        "workdays/year.html",
        {
            "year": year,
            "year_row": year_row,
            "days": days,
            "previous": year - 1 if year > FIRST_YEAR else None,
            "next": year + 1 if year < LAST_YEAR else None,
            "may_edit": may_edit_calendar(request.user),
        },
    )


@login_required
def day_edit(request: AuthedRequest) -> HttpResponse:
    """Make one day a holiday or a make-up working day, or return it to the default."""
    enforce(may_edit_calendar(request.user))
    if request.method == "POST":
        form = DayForm(request.POST)
        if form.is_valid():
            day: dt.date = form.cleaned_data["date"]
            kind = form.cleaned_data["kind"]
            try:
                if kind == NORMAL:
                    changed = actions.do_clear_day(day, by=request.user)
                else:
                    changed = actions.do_set_day(day, kind, form.cleaned_data["note"], by=request.user)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _("%(date)s saved; %(count)s open deadlines moved.")
                    % {"date": day.isoformat(), "count": len(changed)},
                )
                return redirect("workdays:year", year=day.year)
        return render(request, "workdays/day_form.html", {"form": form}, status=400)
    form = DayForm(initial=_initial_day(request.GET.get("date", "")))
    return render(request, "workdays/day_form.html", {"form": form})


def _initial_day(text: str) -> dict[str, Any]:
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        return {}
    row = CalendarDay.objects.filter(date=day).first()
    return {"date": day, "kind": row.kind if row else NORMAL, "note": row.note if row else ""}


@login_required
def import_calendar(request: AuthedRequest) -> HttpResponse:
    """Import the State Council's arrangement (file format: ``importfile``)."""
    enforce(may_edit_calendar(request.user))
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                result = actions.do_import_year(form.cleaned_data["content"], by=request.user)
            except CalendarFileError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _("Imported %(years)s: %(stored)s days stored; %(count)s open deadlines moved.")
                    % {
                        "years": ", ".join(map(str, result.years)),
                        "stored": result.stored,
                        "count": len(result.changed),
                    },
                )
                return redirect("workdays:year", year=result.years[0])
        return render(request, "workdays/import_form.html", {"form": form}, status=400)
    return render(request, "workdays/import_form.html", {"form": ImportForm()})


# -- Public JSON API -------------------------------------------------------------------


def _errors(form: Any) -> JsonResponse:
    return JsonResponse(
        {"errors": {name: [str(m) for m in errors] for name, errors in form.errors.items()}}, status=400
    )


@require_GET
def api_add(request: HttpRequest) -> JsonResponse:
    """``?start=2026-09-18&days=20`` → the due date, whether provisional, and why."""
    form = AddForm(request.GET)
    if not form.is_valid():
        return _errors(form)
    start, days = form.cleaned_data["start"], form.cleaned_data["days"]
    due = calendar.add_working_days(start, days)
    return JsonResponse(
        {
            "start": start.isoformat(),
            "days": days,
            "due": due.date.isoformat(),
            "provisional": due.provisional,
            "derivation": due.derivation,
        }
    )


@require_GET
def api_between(request: HttpRequest) -> JsonResponse:
    """``?a=…&b=…`` → working days after ``a`` up to and including ``b`` (negative if b < a)."""
    form = BetweenForm(request.GET)
    if not form.is_valid():
        return _errors(form)
    a, b = form.cleaned_data["a"], form.cleaned_data["b"]
    return JsonResponse({"a": a.isoformat(), "b": b.isoformat(), "working_days": calendar.working_days_between(a, b)})
