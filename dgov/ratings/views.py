"""The rating pages: the applicant rates online or on a phone from the window's QR code;
supervisors handle rectifications and appeals; the public sees results; the window
competition ranks windows and units every month.

Every write goes through a ``do_*`` function of ``actions``; protected rows are fetched
through the ``get_*_for_user`` accessors (404 alike for missing and forbidden).
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dgov.accounts.access import AuthedRequest, StaffRequest, staff_district
from dgov.accounts.models import District, User
from dgov.accounts.roles import ACCEPT
from dgov.applications.models import Application, Visit
from dgov.lib import clock
from dgov.lib.conflicts import Conflict
from dgov.lib.links import public_url
from dgov.lib.rules import Verdict, enforce
from dgov.lib.xlsx import Sheet, workbook_response
from dgov.ops.replica import reads_from_replica
from dgov.ratings import actions, rules
from dgov.ratings.competition import chart_options, competition
from dgov.ratings.forms import (
    AppealDecisionForm,
    AppealForm,
    CallbackForm,
    FixForm,
    MonthForm,
    PolicyForm,
    RatingForm,
    RectificationFilterForm,
    ReplyForm,
)
from dgov.ratings.models import Appeal, Level, Rating, RatingPolicy, Rectification, Source
from dgov.ratings.permissions import (
    MANAGE_POLICY,
    VIEW_COMPETITION,
    VIEW_RATINGS,
)

PAGE_SIZE = 50
SATISFIED_LEVELS = (Level.VERY_SATISFIED, Level.SATISFIED, Level.BASICALLY_SATISFIED)


def _uid(request: HttpRequest) -> int:
    return int(request.user.pk or 0)


# Accessors --------------------------------------------------------------------------------


def get_own_application(request: HttpRequest, pk: int) -> Application:
    """A case of the logged-in applicant (404 for anyone else's)."""
    try:
        return Application.objects.select_related("applicant", "item_version", "department", "window").get(
            pk=pk, applicant__user_id=_uid(request)
        )
    except Application.DoesNotExist:
        raise Http404 from None


def get_own_visit(request: HttpRequest, pk: int) -> Visit:
    try:
        return Visit.objects.select_related(
            "window", "application__applicant", "application__item_version", "application__department"
        ).get(pk=pk, application__applicant__user_id=_uid(request))
    except Visit.DoesNotExist:
        raise Http404 from None


def get_application_for_staff(request: HttpRequest, pk: int) -> Application:
    try:
        return (
            Application.objects.visible_to(request.user)
            .select_related("applicant", "item_version", "department", "window")
            .get(pk=pk)
        )
    except Application.DoesNotExist:
        raise Http404 from None


def get_visit_for_staff(request: HttpRequest, pk: int) -> Visit:
    try:
        return Visit.objects.select_related("window", "application__item_version", "application__applicant").get(
            pk=pk, application__in=Application.objects.visible_to(request.user)
        )
    except Visit.DoesNotExist:
        raise Http404 from None


def get_rectification_for_user(request: HttpRequest, pk: int) -> Rectification:
    try:
        return (
            Rectification.objects.visible_to(request.user)
            .select_related(
                "deadline",
                "rating__application__item_version",
                "rating__application__applicant",
                "rating__department",
                "rating__window",
                "called_back_by",
                "fixed_by",
                "closed_by",
            )
            .get(pk=pk)
        )
    except Rectification.DoesNotExist:
        raise Http404 from None


# Rating by the applicant ------------------------------------------------------------------


def _rate(
    request: HttpRequest,
    application: Application,
    visit: Visit | None,
    *,
    source: Source,
    by: User | None,
    phone: bool = False,
) -> HttpResponse:
    """Show the form, or save the rating; the same for the page and the window link."""
    verdict = rules.may_rate(by, application, visit)
    context: dict[str, Any] = {
        "application": application,
        "visit": visit,
        "existing": rules.existing_rating(application, visit),
        "verdict": verdict,
        "phone": phone,
    }
    form = RatingForm(request.POST if request.method == "POST" else None)
    context["form"] = form
    if request.method == "GET":
        return render(request, "ratings/rate.html", context)
    try:
        enforce(verdict)  # a refusal comes before any complaint about the form
        if not form.is_valid():
            return render(request, "ratings/rate.html", context, status=400)
        rating = actions.do_rate(
            application,
            level=form.cleaned_data["level"],
            comment=form.cleaned_data["comment"],
            source=source,
            by=by,
            visit=visit,
        )
    except Conflict as error:
        context.update(existing=rules.existing_rating(application, visit), errors=[str(error)])
        return render(request, "ratings/rate.html", context, status=409)
    except PermissionDenied as error:
        context["errors"] = [str(error)]
        return render(request, "ratings/rate.html", context, status=403)
    except ValidationError as error:
        context["errors"] = list(error.messages)
        return render(request, "ratings/rate.html", context, status=400)
    context.update(existing=rating, thanks=True)
    return render(request, "ratings/rate.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def rate_case(request: AuthedRequest, pk: int) -> HttpResponse:
    return _rate(request, get_own_application(request, pk), None, source=Source.PAGE, by=request.user)


@login_required
@require_http_methods(["GET", "POST"])
def rate_visit(request: AuthedRequest, pk: int) -> HttpResponse:
    visit = get_own_visit(request, pk)
    return _rate(request, visit.application, visit, source=Source.PAGE, by=request.user)


@require_http_methods(["GET", "POST"])
def rate_link(request: HttpRequest, token: str) -> HttpResponse:
    """The page the window's QR code opens on the applicant's phone: no login, the signed
    short-lived link names the case (and visit)."""
    try:
        application_pk, visit_pk = actions.read_window_token(token)
    except ValidationError as error:
        return render(request, "ratings/rate.html", {"link_error": error.messages[0], "phone": True}, status=400)
    application = (
        Application.objects.select_related("applicant__user", "item_version", "department", "window")
        .filter(pk=application_pk)
        .first()
    )
    visit = Visit.objects.filter(pk=visit_pk, application_id=application_pk).first() if visit_pk else None
    if application is None or (visit_pk and visit is None):
        raise Http404
    return _rate(request, application, visit, source=Source.WINDOW, by=None, phone=True)


@login_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    """The applicant's finished cases and visits, each with its rating or a link to rate."""
    applications = list(
        Application.objects.filter(applicant__user_id=_uid(request), status__in=rules.RATEABLE_STATUSES)
        .select_related("item_version")
        .order_by("-updated_at")[:PAGE_SIZE]
    )
    visits = list(
        Visit.objects.filter(application__applicant__user_id=_uid(request))
        .select_related("window", "application__item_version")
        .order_by("-at")[:PAGE_SIZE]
    )
    rated_cases = dict(
        Rating.objects.filter(application__in=applications, visit__isnull=True).values_list("application_id", "level")
    )
    rated_visits = dict(Rating.objects.filter(visit__in=visits).values_list("visit_id", "level"))
    context = {
        "cases": [(a, Level(rated_cases[a.pk]).label if a.pk in rated_cases else None) for a in applications],
        "visits": [(v, Level(rated_visits[v.pk]).label if v.pk in rated_visits else None) for v in visits],
    }
    return render(request, "ratings/mine.html", context)


# Handing over at the window --------------------------------------------------------------


def _qr_svg(url: str) -> str:
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=10)
    return str(image.to_string(encoding="unicode"))


@login_required
@permission_required(ACCEPT, raise_exception=True)
@require_GET
def window(request: StaffRequest) -> HttpResponse:
    """The clerk's list of cases and visits to hand over for rating."""
    district = staff_district(request)
    user = request.user
    since = clock.now() - dt.timedelta(days=7)
    visits = (
        Visit.objects.filter(application__district=district, at__gte=since)
        .filter(Q(window=user.window) if user.window_id else Q(clerk=user))
        .select_related("window", "application__item_version")
        .annotate(rated=Count("ratings"))
        .order_by("-at")[:PAGE_SIZE]
    )
    cases = (
        Application.objects.visible_to(user)
        .filter(status__in=rules.RATEABLE_STATUSES)
        .exclude(pk__in=Rating.objects.filter(visit__isnull=True).values("application_id"))
        .select_related("item_version")
        .order_by("-updated_at")[:PAGE_SIZE]
    )
    return render(request, "ratings/window.html", {"visits": visits, "cases": cases})


def _handover(request: HttpRequest, application: Application, visit: Visit | None) -> HttpResponse:
    url = public_url(reverse("ratings:link", args=[actions.window_token(application, visit)]))
    context = {
        "application": application,
        "visit": visit,
        "url": url,
        "qr": mark_safe(_qr_svg(url)),  # noqa: S308 — SVG generated here from our own URL
        "minutes": actions.link_minutes(),
        "existing": rules.existing_rating(application, visit),
        "problem": rules.rating_problem(application, visit),
    }
    return render(request, "ratings/handover.html", context)


@login_required
@permission_required(ACCEPT, raise_exception=True)
@require_GET
def handover_case(request: HttpRequest, pk: int) -> HttpResponse:
    return _handover(request, get_application_for_staff(request, pk), None)


@login_required
@permission_required(ACCEPT, raise_exception=True)
@require_GET
def handover_visit(request: HttpRequest, pk: int) -> HttpResponse:
    visit = get_visit_for_staff(request, pk)
    return _handover(request, visit.application, visit)


# Rectifications -----------------------------------------------------------------------------


@login_required
@permission_required(VIEW_RATINGS, raise_exception=True)
@require_GET
def rectifications(request: HttpRequest) -> HttpResponse:
    staff_district(request)
    form = RectificationFilterForm(request.GET)
    status = form.cleaned_data.get("status", "") if form.is_valid() else ""
    rows = Rectification.objects.visible_to(request.user).select_related(
        "deadline", "rating__application", "rating__department", "rating__item__current_version"
    )
    rows = rows.filter(status=status or Rectification.Status.OPEN)
    today = clock.today()
    shown = [(r, r.light(today)) for r in rows.order_by("deadline__due_date", "pk")[:PAGE_SIZE]]
    return render(request, "ratings/rectifications.html", {"rows": shown, "form": form})


@dataclass(frozen=True)
class Step:
    label: Promise
    form: type
    # The step's predicate (``rules``), asked about this rectification.
    verdict: Callable[[Any, Rectification], Verdict]
    run: Callable[[Rectification, Any, dict[str, Any]], str]


def _appeal_of(r: Rectification) -> Appeal | None:
    return Appeal.objects.filter(rating_id=r.rating_id).first()


def _run_callback(r: Rectification, user: User, data: dict[str, Any]) -> str:
    actions.do_record_callback(r, by=user, note=data["note"])
    return _("The call-back is recorded.")


def _run_fix(r: Rectification, user: User, data: dict[str, Any]) -> str:
    actions.do_record_fix(r, by=user, fix=data["fix"])
    return _("The rectification measures are recorded.")


def _run_reply(r: Rectification, user: User, data: dict[str, Any]) -> str:
    actions.do_reply(r, by=user, reply=data["reply"])
    return _("The reply is sent and the rectification is closed.")


def _run_appeal(r: Rectification, user: User, data: dict[str, Any]) -> str:
    actions.do_file_appeal(r.rating, by=user, ground=data["ground"], reason=data["reason"])
    return _("The appeal is filed; a supervisor will decide.")


def _run_decide(r: Rectification, user: User, data: dict[str, Any]) -> str:
    appeal = _appeal_of(r)
    if appeal is None:
        raise Http404
    uphold = data["outcome"] == AppealDecisionForm.UPHOLD
    actions.do_decide_appeal(appeal, by=user, uphold=uphold, decision=data["decision"])
    return _("The appeal is upheld; the rating is excluded.") if uphold else _("The appeal is rejected.")


STEPS: dict[str, Step] = {
    "callback": Step(gettext_lazy("Record the call-back"), CallbackForm, rules.may_record_callback, _run_callback),
    "fix": Step(gettext_lazy("Record the rectification measures"), FixForm, rules.may_record_fix, _run_fix),
    "reply": Step(gettext_lazy("Reply and close"), ReplyForm, rules.may_reply, _run_reply),
    "appeal": Step(
        gettext_lazy("Appeal this rating"), AppealForm, lambda u, r: rules.may_appeal(u, r.rating), _run_appeal
    ),
    "decide": Step(
        gettext_lazy("Decide the appeal"),
        AppealDecisionForm,
        lambda u, r: rules.may_decide_appeal(u, _appeal_of(r)),
        _run_decide,
    ),
}


def _render_rectification(
    request: HttpRequest, r: Rectification, *, status: int = 200, failed: str = "", form: Any = None, errors: Any = ()
) -> HttpResponse:
    """Each step the person may take with its form, each step refused with its reason
    (a disabled button), nothing for steps that are not theirs."""
    user = request.user
    steps = []
    for name, step in STEPS.items():
        verdict = step.verdict(user, r)
        if verdict or verdict.shown:
            steps.append((name, step, form if name == failed else step.form(prefix=name), verdict))
    context = {
        "r": r,
        "rating": r.rating,
        "light": r.light(clock.today()),
        "appeal": _appeal_of(r),
        "steps": steps,
        "errors": list(errors),
        "due": r.deadline.compute_due(),
    }
    return render(request, "ratings/rectification.html", context, status=status)


@login_required
@permission_required(VIEW_RATINGS, raise_exception=True)
@require_GET
def rectification(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_rectification(request, get_rectification_for_user(request, pk))


@login_required
@permission_required(VIEW_RATINGS, raise_exception=True)
@require_POST
def rectification_act(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    """One step: refused by its predicate (403 with the reason, 409 when someone acted
    first or it was done already), or the form validates (400) and the ``do_*`` acts."""
    r = get_rectification_for_user(request, pk)
    spec = STEPS.get(step)
    if spec is None:
        raise Http404
    form = spec.form(request.POST, prefix=step)
    try:
        enforce(spec.verdict(request.user, r))  # a refusal comes before any complaint about the form
        if not form.is_valid():
            return _render_rectification(request, r, status=400, failed=step, form=form)
        message = spec.run(r, request.user, form.cleaned_data)
    except Conflict as error:
        return _render_rectification(request, get_rectification_for_user(request, pk), status=409, errors=[str(error)])
    except PermissionDenied as error:
        reason = str(error) or _("Your role does not allow this action.")
        return _render_rectification(request, r, status=403, errors=[reason])
    except ValidationError as error:
        return _render_rectification(request, r, status=400, failed=step, form=form, errors=error.messages)
    messages.success(request, message)
    return redirect("ratings:rectification", pk=r.pk)


# Policy ----------------------------------------------------------------------------------------


@login_required
@permission_required(MANAGE_POLICY, raise_exception=True)
@require_http_methods(["GET", "POST"])
def policy(request: StaffRequest) -> HttpResponse:
    district = staff_district(request)
    current = RatingPolicy.for_district(district)
    initial = {"deem_unrated": current.deem_unrated, "rectification_days": current.rectification_days}
    form = PolicyForm(request.POST if request.method == "POST" else None, initial=initial)
    context = {"form": form, "verdict": rules.may_save_policy(request.user, district)}
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "ratings/policy.html", context, status=400)
        actions.do_save_policy(district, by=request.user, **form.cleaned_data)
        messages.success(request, _("The rating policy is saved."))
        return redirect("ratings:policy")
    return render(request, "ratings/policy.html", context)


# Public results ----------------------------------------------------------------------------------


def _public_district(request: HttpRequest) -> District:
    code = request.GET.get("district", "") or settings.DEFAULT_DISTRICT_CODE
    district = District.objects.filter(code=code).first()
    if district is None:
        raise Http404
    return district


def _grouped(ratings: Any, key: str, name: str) -> list[dict[str, Any]]:
    rows = (
        ratings.values(key, name)
        .annotate(
            n=Count("pk"),
            satisfied=Count("pk", filter=Q(level__in=SATISFIED_LEVELS)),
            **{f"l{level.value}": Count("pk", filter=Q(level=level)) for level in Level},
        )
        .order_by(name)
    )
    out = []
    for row in rows:
        out.append(
            {
                "name": row[name],
                "n": row["n"],
                "levels": [row[f"l{level.value}"] for level in Level],
                "rate": round(100 * row["satisfied"] / row["n"], 1) if row["n"] else None,
            }
        )
    return out


@reads_from_replica
@require_GET
def public(request: HttpRequest) -> HttpResponse:
    """Results by department, window and item, and what was done about bad ratings —
    no names, numbers, comments or anything else personal."""
    district = _public_district(request)
    ratings = Rating.objects.filter(district=district).counted()
    rectified = (
        Rectification.objects.filter(district=district, rating__excluded=False)
        .exclude(status=Rectification.Status.WITHDRAWN)
        .select_related("deadline", "rating__department", "rating__item__current_version")
        .order_by("-rating__rated_on", "-pk")[:PAGE_SIZE]
    )
    context = {
        "district": district,
        "levels": Level.choices,
        "total": ratings.count(),
        "by_department": _grouped(ratings, "department_id", "department__name"),
        "by_window": _grouped(ratings.filter(window__isnull=False), "window_id", "window__name"),
        "by_item": _grouped(ratings, "item_id", "item__current_version__name"),
        "rectified": rectified,
    }
    return render(request, "ratings/public.html", context)


# The window competition ---------------------------------------------------------------------------


def _month(request: HttpRequest) -> tuple[MonthForm, tuple[int, int]]:
    form = MonthForm(request.GET)
    chosen = form.cleaned_data["month"] if form.is_valid() else None
    today = clock.today()
    return form, chosen or (today.year, today.month)


@login_required
@permission_required(VIEW_COMPETITION, raise_exception=True)
@require_GET
def competition_page(request: HttpRequest) -> HttpResponse:
    district = staff_district(request)
    form, (year, month) = _month(request)
    status = 400 if form.errors else 200
    ranking = competition(district, year, month, clock.today())
    options = chart_options(ranking, _("Window scores %(month)s") % {"month": ranking.label}, _("Score"))
    return render(
        request, "ratings/competition.html", {"form": form, "ranking": ranking, "options": options}, status=status
    )


@reads_from_replica
@login_required
@permission_required(VIEW_COMPETITION, raise_exception=True)
@require_GET
def competition_export(request: HttpRequest) -> HttpResponseBase:
    district = staff_district(request)
    form, (year, month) = _month(request)
    if form.errors:
        return HttpResponse(" ".join(str(e) for e in form.errors.get("month", [])), status=400)
    ranking = competition(district, year, month, clock.today())
    header = [
        _("Rank"),
        _("Name"),
        _("Ratings"),
        _("Mean rating"),
        _("Smoothed satisfaction"),
        _("Decided cases"),
        _("On-time rate"),
        _("Red cards"),
        _("Late rectifications"),
        _("Score"),
        _("Talk (约谈)"),
    ]

    def rows(ranked: list[Any]) -> Any:
        for row in ranked:
            yield [
                row.rank,
                row.name,
                row.ratings,
                row.raw_mean,
                round(row.satisfaction, 4),
                row.decided,
                round(row.on_time_rate, 4),
                row.red_cards,
                row.late_rectifications,
                row.score,
                _("yes") if row.talk else "",
            ]
        yield []
        yield [formula_text(ranking)]

    return workbook_response(
        f"competition-{ranking.label}.xlsx",
        [Sheet(_("Windows"), header, rows(ranking.windows)), Sheet(_("Units"), header, rows(ranking.units))],
    )


def formula_text(ranking: Any) -> str:
    return _(
        "Score = 70 × S + 30 × T − 5 × R − 3 × L; S = ((C × m + sum of scores) / (C + n) − 1) / 4 "
        "with C = %(prior)s and m = %(mean)s this month; T = on-time rate; R = red cards; L = late rectifications."
    ) % {"prior": ranking.prior, "mean": ranking.mean}
