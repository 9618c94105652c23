"""The leaders' cockpit (领导驾驶舱), the cases behind its bars, and the public open data
(政务公开 · 数据开放). Every page reads the summary tables (``figures``), may be served by
the replica, and answers a period that does not exist or a department outside the
district with the reason and a 400."""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from dgov.accounts.access import AuthedRequest, staff_or_403
from dgov.accounts.models import User
from dgov.cockpit import opendata
from dgov.cockpit.access import drill_page, own_unit
from dgov.cockpit.charts import Cockpit
from dgov.cockpit.figures import DRILL_LABELS, EVENT_DRILLS, figure_of
from dgov.cockpit.forms import DrillForm, FiguresForm
from dgov.cockpit.permissions import VIEW_COCKPIT
from dgov.lib import clock
from dgov.lib.exports import table_response
from dgov.ops.replica import reads_from_replica

PAGE_SIZE = 50


def _form(request: AuthedRequest, form_class: type[FiguresForm] = FiguresForm) -> tuple[User, FiguresForm]:
    user = staff_or_403(request, VIEW_COCKPIT)
    assert user.district_id is not None
    form = form_class(request.GET, district_id=user.district_id, today=clock.today(), fixed_department=own_unit(user))
    return user, form


def _refused(request: HttpRequest, form: FiguresForm, template: str, context: dict[str, Any]) -> HttpResponse:
    """The page with the reasons the filters were refused (400)."""
    return render(request, template, {**context, "form": form, "refused": True}, status=400)


def _sections(user: User, today: Any, period: Any) -> dict[str, Any]:
    """Investment, supervision, financing, talent and hall figures for those who may see them."""
    from dgov.campaigns.models import SUPERVISE, VIEW_BOARD, Campaign
    from dgov.campaigns.reports import board_rows
    from dgov.investment import reports as investment
    from dgov.investment.models import stage_settings
    from dgov.investment.permissions import VIEW_PIPELINE

    sections: dict[str, Any] = {}
    if user.has_perm(VIEW_PIPELINE):
        rows, total = investment.pipeline_summary(user.district_id or 0, stage_settings(user.district_id or 0))
        sections["pipeline"] = {"rows": rows, "total": total, "funnel": investment.funnel_options(rows)}
    if user.has_perm(VIEW_BOARD) or user.has_perm(SUPERVISE):
        campaign = Campaign.objects.filter(district_id=user.district_id or 0).order_by("-starts_on").first()
        if campaign is not None:
            units = board_rows(campaign, today)
            sections["campaign"] = {
                "campaign": campaign,
                "units": units[:15],
                "totals": {
                    k: sum(getattr(r, k) for r in units)
                    for k in ("tasks", "red", "yellow", "green", "problems", "problems_open")
                },
                "published": sum(1 for r in units if r.publication is not None),
                "not_published": sum(1 for r in units if r.not_published),
            }
    sections.update(_enterprise_and_hall(user, period))
    return sections


def _enterprise_and_hall(user: User, period: Any) -> dict[str, Any]:
    """The figures issue 17 and 18 give the cockpit: financing (needs, matched, granted,
    average rate, days to an answer), talent (landed this year, awards) and the hall
    (waiting and service time per item), each for those whose role may read them."""
    import datetime as dt

    from dgov.financing import reports as financing
    from dgov.financing.permissions import VIEW as VIEW_FINANCING
    from dgov.hall import reports as hall
    from dgov.hall.permissions import VIEW_FIGURES as VIEW_HALL
    from dgov.talent import reports as talent
    from dgov.talent.permissions import VIEW as VIEW_TALENT

    district = user.district_id or 0
    start = period.first
    end = (period.last + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    sections: dict[str, Any] = {}
    if user.has_perm(VIEW_FINANCING):
        sections["financing"] = financing.figures(district, start, end)
    if user.has_perm(VIEW_TALENT):
        sections["talent"] = {"year": end.year, **talent.figures(district, end.year)}
    if user.has_perm(VIEW_HALL):
        sections["hall"] = {"rows": hall.figures(district, start, end, "item")}
    return sections


@reads_from_replica
@login_required
@require_GET
def cockpit(request: AuthedRequest) -> HttpResponse:
    """One page: headline figures, charts with their tables, drill-downs and downloads."""
    user, form = _form(request)
    context: dict[str, Any] = {"form": form, "fixed": own_unit(user)}
    if not form.is_valid():
        return _refused(request, form, "cockpit/cockpit.html", context)
    board = Cockpit(user.district_id or 0, form.period, form.chosen_department)
    context.update(
        cockpit=board,
        period=form.period,
        department=form.chosen_department,
        headline=board.headline(),
        charts=board.charts(),
        query=request.GET.urlencode(),
        **({} if form.chosen_department else _sections(user, clock.today(), form.period)),
    )
    return render(request, "cockpit/cockpit.html", context)


@reads_from_replica
@login_required
@require_GET
def chart_download(request: AuthedRequest, key: str, fmt: str) -> HttpResponse:
    """A chart's table as CSV or .xlsx, for the same filters."""
    user, form = _form(request)
    if fmt not in ("csv", "xlsx"):
        raise Http404
    if not form.is_valid():
        return _refused(request, form, "cockpit/cockpit.html", {"fixed": own_unit(user)})
    chart = Cockpit(user.district_id or 0, form.period, form.chosen_department).chart(key)
    if chart is None:
        raise Http404
    name = f"{key}-{form.period.first:%Y-%m}-{form.period.last:%Y-%m}"
    return table_response(name, fmt, chart.header, chart.rows)


def _without_before(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("before", None)
    return f"{query.urlencode()}&" if query else ""


@reads_from_replica
@login_required
@require_GET
def cases(request: AuthedRequest) -> HttpResponse:
    """The list behind a chart's bar, newest first, each case one click from its page.
    Paged by the last case shown, not by counting (decision 0035): a page reads its 51 rows
    from an index whatever the number of cases, and the count is the bar's figure."""
    user, form = _form(request, DrillForm)
    context: dict[str, Any] = {"form": form}
    if not form.is_valid():
        return _refused(request, form, "cockpit/cases.html", context)
    data = form.cleaned_data
    measure = data["measure"]
    page = drill_page(user, form, PAGE_SIZE)
    department = form.chosen_department
    context.update(
        cases=page.cases,
        older=page.older,
        first_page=data["before"] is None,
        figure=figure_of(
            measure,
            user.district_id or 0,
            form.period,
            department_id=department.pk if department else None,
            item_id=data.get("item"),
            window=data.get("window"),
        ),
        acts=measure in EVENT_DRILLS,
        measure=DRILL_LABELS[measure],
        period=form.period,
        department=department,
        query_without_before=_without_before(request),
    )
    return render(request, "cockpit/cases.html", context)


# Open data ---------------------------------------------------------------------------------


def _public_form(request: HttpRequest) -> FiguresForm:
    district = opendata.public_district()
    return FiguresForm(request.GET, district_id=district.pk, today=clock.today())


@reads_from_replica
@require_GET
def open_data(request: HttpRequest) -> HttpResponse:
    """The published figures per month and department, as charts, tables and downloads,
    with the data dictionary. No personal data: counts and rates only."""
    form = _public_form(request)
    context: dict[str, Any] = {"form": form, "fields": opendata.FIELDS, "district": opendata.public_district()}
    if not form.is_valid():
        return render(request, "cockpit/open_data.html", context, status=400)
    published = opendata.published(form.district_id, form.period, form.chosen_department)
    context.update(published=published, period=form.period, query=request.GET.urlencode())
    return render(request, "cockpit/open_data.html", context)


@reads_from_replica
@require_GET
def open_data_csv(request: HttpRequest) -> HttpResponse:
    form = _public_form(request)
    if not form.is_valid():
        return HttpResponse(
            "\n".join([str(e) for e in form.non_field_errors()] + [str(e) for e in form.errors.get("department", [])]),
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    rows = opendata.rows(form.district_id, form.period, form.chosen_department)
    name = f"open-data-{form.period.first:%Y-%m}-{form.period.last:%Y-%m}"
    return table_response(
        name, "csv", [f.name for f in opendata.FIELDS], ([r[f.name] for f in opendata.FIELDS] for r in rows)
    )


@reads_from_replica
@require_GET
def open_data_json(request: HttpRequest) -> HttpResponse:
    """The same rows as JSON, with the dictionary (also ``/api/v1/opendata/figures``)."""
    form = _public_form(request)
    if not form.is_valid():
        messages = [str(m) for m in form.non_field_errors()] + [str(m) for m in form.errors.get("department", [])]
        return JsonResponse({"detail": " ".join(messages), "messages": messages}, status=400)
    return JsonResponse(
        opendata.document(form.district_id, form.period, form.chosen_department),
        json_dumps_params={"ensure_ascii": False},
    )
