"""Pages of training: a person's own courses and hours, the organisers' plan and a course's
attendance with the QR code shown in the room, the sign-in, everyone's hours against the
minimum, and the campaign's activities by task.

Writes go through ``actions``; buttons come from the ``may_*`` of ``rules``.
"""

from typing import Any

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dgov.accounts.access import staff_or_403
from dgov.lib import clock
from dgov.lib.links import public_url
from dgov.lib.rules import enforce
from dgov.lib.xlsx import Sheet, workbook_response
from dgov.training import actions, rules
from dgov.training.forms import AbsenceForm, CourseForm, HoursForm
from dgov.training.models import Attendance, Course, attendance_states
from dgov.training.permissions import MANAGE, VIEW_HOURS

PAGE_SIZE = 50


def _errors(error: ValidationError) -> list[str]:
    return [str(m) for m in error.messages]


# Guarded accessors ---------------------------------------------------------------------------------


def get_course_for_organiser(request: HttpRequest, pk: int) -> Course:
    user = staff_or_403(request, MANAGE)
    try:
        return Course.objects.select_related("task__campaign").get(pk=pk, district_id=user.district_id)
    except Course.DoesNotExist:
        raise Http404 from None


def get_attendance_for_user(request: HttpRequest, pk: int) -> Attendance:
    """The person's own attendance, or any of the district's for an organiser."""
    user = staff_or_403(request)
    found = Attendance.objects.select_related("course", "person").filter(pk=pk, course__district_id=user.district_id)
    if not user.has_perm(MANAGE):
        found = found.filter(person=user)
    attendance = found.first()
    if attendance is None:
        raise Http404
    return attendance


# A person's own ------------------------------------------------------------------------------------


@login_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    """My courses this year and next: what I must attend, where I signed in, my hours."""
    user = staff_or_403(request)
    now = clock.now()
    year = clock.today().year
    rows = list(
        Attendance.objects.filter(person=user, course__year__gte=year)
        .select_related("course__task__campaign")
        .order_by("course__starts_at")
    )
    for attendance in rows:
        attendance.current = attendance.state(now)  # type: ignore[attr-defined]
        attendance.may_explain = rules.may_record_absence(user, attendance)  # type: ignore[attr-defined]
    hours = actions.hours_of_person(user, year)
    return render(
        request,
        "training/mine.html",
        {"rows": rows, "hours": hours, "year": year, "states": attendance_states(), "absence_form": AbsenceForm()},
    )


@login_required
@require_POST
def absence(request: HttpRequest, pk: int) -> HttpResponse:
    attendance = get_attendance_for_user(request, pk)
    user = staff_or_403(request)
    form = AbsenceForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("State the reason for the absence."))
        return redirect(_back(request, attendance))
    try:
        actions.do_record_absence(attendance, by=user, reason=form.cleaned_data["reason"])
    except ValidationError as error:
        messages.error(request, " ".join(_errors(error)))
        return redirect(_back(request, attendance))
    messages.success(request, _("The absence and its reason are recorded."))
    return redirect(_back(request, attendance))


def _back(request: HttpRequest, attendance: Attendance) -> str:
    if attendance.person_id == request.user.pk:
        return reverse("training:mine")
    return reverse("training:course", args=[attendance.course_id])


# The organisers ------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def courses(request: HttpRequest) -> HttpResponse:
    """The plan: courses and activities, newest first; announce a new one."""
    user = staff_or_403(request, MANAGE)
    form = CourseForm(request.POST or None, district_id=user.district_id or 0)
    listing = Course.objects.visible_to(user).select_related("task__campaign")[:PAGE_SIZE]
    context: dict[str, Any] = {"form": form, "courses": listing}
    if request.method == "GET":
        return render(request, "training/courses.html", context)
    if not form.is_valid():
        return render(request, "training/courses.html", context, status=400)
    data = form.cleaned_data
    try:
        course = actions.do_plan_course(
            by=user,
            kind=data["kind"],
            title=data["title"],
            lecturer=data["lecturer"],
            place=data["place"],
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            hours=data["hours"],
            units=data["units"],
            roles=data["roles"],
            task=data["task"],
        )
    except ValidationError as error:
        context["errors"] = _errors(error)
        return render(request, "training/courses.html", context, status=400)
    messages.success(request, _("The course is announced to %(n)d people.") % {"n": course.attendance.count()})
    return redirect("training:course", pk=course.pk)


@login_required
@require_GET
def course(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_course_for_organiser(request, pk)
    now = clock.now()
    rows = list(found.attendance.select_related("person__department").order_by("-required", "person__username"))
    counts: dict[str, int] = {}
    for attendance in rows:
        attendance.current = attendance.state(now)  # type: ignore[attr-defined]
        counts[attendance.current] = counts.get(attendance.current, 0) + 1  # type: ignore[attr-defined]
    opens, closes = rules.sign_in_window(found)
    return render(
        request,
        "training/course.html",
        {
            "course": found,
            "rows": rows,
            "tally": [(key, label, counts.get(key, 0)) for key, label in attendance_states().items()],
            "states": attendance_states(),
            "opens": opens,
            "closes": closes,
            "window_open": opens <= now <= closes,
            "absence_form": AbsenceForm(),
        },
    )


def _qr_svg(url: str) -> SafeString:
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=12)
    return mark_safe(image.to_string(encoding="unicode"))  # noqa: S308 — our own SVG of our own address


@login_required
@require_GET
def course_code(request: HttpRequest, pk: int) -> HttpResponse:
    """The code shown in the room: redrawn every minute (htmx), each valid for a short while."""
    found = get_course_for_organiser(request, pk)
    url = public_url(reverse("training:sign_in", args=[actions.sign_in_token(found)]))
    return render(request, "training/_code.html", {"course": found, "svg": _qr_svg(url), "url": url})


@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest, token: str) -> HttpResponse:
    """Where the code leads: a staff member signs in (after logging in, if need be)."""
    if not request.user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())
    user = staff_or_403(request)
    try:
        found = actions.course_from_token(token)
    except ValidationError as error:
        return render(request, "training/sign_in.html", {"errors": _errors(error)}, status=400)
    attendance = Attendance.objects.filter(course=found, person=user).first()
    verdict = rules.may_sign_in(user, found, clock.now(), attendance)
    context: dict[str, Any] = {"course": found, "attendance": attendance, "verdict": verdict, "token": token}
    if request.method == "GET":
        return render(request, "training/sign_in.html", context)
    if attendance is not None and attendance.signed_in_at is not None:
        return render(request, "training/sign_in.html", context)  # a second tap changes nothing
    if not verdict:
        context["errors"] = [verdict.reason]
        return render(request, "training/sign_in.html", context, status=400)
    context["attendance"] = actions.do_sign_in(found, by=user)
    context["done"] = True
    return render(request, "training/sign_in.html", context)


# Hours -----------------------------------------------------------------------------------------------


@login_required
@require_GET
def hours(request: HttpRequest) -> HttpResponse | FileResponse:
    """Everyone's hours of a year against their minimum; those below it first."""
    user = staff_or_403(request, VIEW_HOURS, MANAGE)
    enforce(rules.may_view_hours(user))
    form = HoursForm(request.GET)
    if not form.is_valid():
        return render(request, "training/hours.html", {"form": form}, status=400)
    year = form.cleaned_data["year"] or clock.today().year
    rows = actions.hours_of(user.district_id or 0, year, rules.hours_scope(user))
    if form.cleaned_data["below"]:
        rows = [r for r in rows if r.below]
    if request.GET.get("format") == "xlsx":
        return workbook_response(
            f"training-hours-{year}.xlsx",
            [
                Sheet(
                    str(year),
                    [_("Name"), _("Unit"), _("Hours"), _("Yearly minimum"), _("Missing")],
                    ([str(r.person), str(r.person.department or ""), r.hours, r.minimum, r.missing] for r in rows),
                )
            ],
        )
    return render(
        request,
        "training/hours.html",
        {"form": form, "rows": rows, "year": year, "below_count": sum(1 for r in rows if r.below)},
    )


# The campaign's activities ----------------------------------------------------------------------------


@login_required
@require_GET
def activities(request: HttpRequest) -> HttpResponse:
    """Campaign activities as the task table orders them, each with its attendance."""
    from django.db.models import Count, Q

    user = staff_or_403(request, MANAGE, VIEW_HOURS)
    rows = (
        Course.objects.visible_to(user)
        .activities()
        .select_related("task__campaign")
        .annotate(
            expected=Count("attendance", filter=Q(attendance__required=True)),
            signed=Count("attendance", filter=Q(attendance__signed_in_at__isnull=False)),
        )
        .order_by("task__campaign_id", "task__number", "starts_at")
    )
    return render(request, "training/activities.html", {"rows": rows, "now": clock.now()})
