"""Pages of the hall: the kiosk and a ticket's page (public), the hall's screen (public,
updated in place by htmx polling), appointments (applicants), the clerk's window, the
supervisor's set-up and the figures.

Every write goes through a ``do_*`` of ``actions``; buttons come from the ``may_*`` of
``rules``, the same predicates the actions enforce.
"""

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dgov.accounts.access import StaffRequest, is_staff, staff_or_403
from dgov.accounts.models import District, User
from dgov.hall import actions, reports, rules
from dgov.hall.forms import BookForm, FiguresForm, HallItemForm, LinkForm, SlotsForm, TakeTicketForm
from dgov.hall.models import (
    AT_WINDOW,
    Appointment,
    HallItem,
    Slot,
    Source,
    Ticket,
)
from dgov.hall.permissions import CALL, MANAGE, VIEW_FIGURES
from dgov.lib import clock
from dgov.lib.signing import LinkExpired, LinkInvalid, link_token, read_link_token
from dgov.lib.xlsx import Sheet, workbook_response

TICKET_LINK = "hall.ticket"
TICKET_LINK_AGE = dt.timedelta(days=1)
BOOKING_DAYS = 14


def _public_district(request: HttpRequest) -> District:
    code = (request.GET.get("district") or settings.DEFAULT_DISTRICT_CODE)[:6]
    return get_object_or_404(District, code=code)


def _errors(error: ValidationError) -> list[str]:
    return [str(m) for m in error.messages]


def ticket_link(ticket: Ticket) -> str:
    return reverse("hall:ticket", args=[link_token(TICKET_LINK, ticket.pk)])


# Guarded accessors -------------------------------------------------------------------------------


def get_ticket_for_clerk(request: HttpRequest, pk: int) -> Ticket:
    """A ticket of the clerk's district (404 alike for missing and another district's)."""
    user = staff_or_403(request, CALL)
    try:
        return Ticket.objects.select_related("hall_item__item__current_version", "window", "application").get(
            pk=pk, district_id=user.district_id
        )
    except Ticket.DoesNotExist:
        raise Http404 from None


def get_ticket_from_link(token: str) -> Ticket:
    try:
        pk = read_link_token(TICKET_LINK, token, TICKET_LINK_AGE)
    except (LinkExpired, LinkInvalid):
        raise Http404 from None
    try:
        return Ticket.objects.select_related("hall_item__item__current_version").get(pk=pk)
    except Ticket.DoesNotExist:
        raise Http404 from None


def get_appointment_for_holder(request: HttpRequest, pk: int) -> Appointment:
    try:
        return Appointment.objects.select_related("slot__window", "hall_item").get(pk=pk, holder_id=request.user.pk)
    except Appointment.DoesNotExist:
        raise Http404 from None


# The kiosk and the ticket (public) -----------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def kiosk(request: HttpRequest) -> HttpResponse:
    """Take a ticket: at the hall's kiosk (no login) or on the phone (logged in: the ticket
    is the person's, one open ticket per item)."""
    district = _public_district(request)
    form = TakeTicketForm(request.POST or None, district_id=district.pk)
    items = form.fields["item"].queryset  # type: ignore[attr-defined]
    # Staff at the kiosk take tickets for people; booking is the applicant's own (rules.may_book).
    context: dict[str, Any] = {"form": form, "district": district, "items": items, "staff": is_staff(request.user)}
    if request.method == "GET":
        return render(request, "hall/kiosk.html", context)
    if not form.is_valid():
        return render(request, "hall/kiosk.html", context, status=400)
    user = request.user
    on_phone = getattr(user, "is_authenticated", False) and not is_staff(user)
    try:
        ticket = actions.do_take_ticket(
            form.cleaned_data["item"],
            source=Source.PHONE if on_phone else Source.KIOSK,
            holder=user if on_phone else None,  # type: ignore[arg-type]
            priority=form.priority(),
        )
    except ValidationError as error:
        context["errors"] = _errors(error)
        return render(request, "hall/kiosk.html", context, status=400)
    return redirect(ticket_link(ticket))


def _ticket_context(ticket: Ticket) -> dict[str, Any]:
    return {"ticket": ticket, "position": actions.position(ticket)}


@require_GET
def ticket(request: HttpRequest, token: str) -> HttpResponse:
    """A ticket's page: the number, people ahead and the estimated wait; the part that
    changes is reloaded in place every 15 seconds."""
    found = get_ticket_from_link(token)
    context = _ticket_context(found)
    context["token"] = token
    if request.headers.get("HX-Request"):
        return render(request, "hall/_ticket_state.html", context)
    context["may_cancel"] = rules.may_cancel_ticket(request.user, found)
    return render(request, "hall/ticket.html", context)


@login_required
@require_POST
def ticket_cancel(request: HttpRequest, token: str) -> HttpResponse:
    found = get_ticket_from_link(token)
    actions.do_cancel_ticket(found, by=request.user)  # type: ignore[arg-type]
    messages.success(request, _("Ticket %(code)s is cancelled.") % {"code": found.code})
    return redirect("hall:appointments")


# The hall's screen (public) --------------------------------------------------------------------------


def _board(district: District) -> dict[str, Any]:
    today = clock.today()
    called = list(
        Ticket.objects.filter(district=district, day=today, status__in=AT_WINDOW)
        .select_related("window")
        .order_by("-last_called_at", "-pk")[: rules.display_rows()]
    )
    waiting = reports.waiting_now(district.pk, today)
    items = list(HallItem.objects.filter(district=district, active=True).select_related("item__current_version"))
    return {
        "district": district,
        "called": called,
        "latest": called[0] if called else None,
        "queues": [(item, waiting.get(item.pk, 0)) for item in items],
    }


@require_GET
def display(request: HttpRequest) -> HttpResponse:
    """The hall's screen: the numbers called and to which window, newest first; the board
    polls ``display_board`` every 3 seconds and is swapped in place."""
    district = _public_district(request)
    return render(request, "hall/display.html", _board(district))


@require_GET
def display_board(request: HttpRequest) -> HttpResponse:
    district = _public_district(request)
    return render(request, "hall/_board.html", _board(district))


# Appointments (applicants) ---------------------------------------------------------------------------


def _applicant(request: HttpRequest) -> User:
    from dgov.lib.rules import enforce

    user = request.user
    enforce(rules.may_book(user))
    return user  # type: ignore[return-value]


def _free_slots(district_id: int, hall_item: HallItem | None) -> list[Slot]:
    if hall_item is None:
        return []
    now = clock.now()
    today = clock.today()
    slots = (
        Slot.objects.filter(
            district_id=district_id,
            window__in=hall_item.windows.all(),
            day__gte=today,
            day__lte=today + dt.timedelta(days=BOOKING_DAYS),
        )
        .select_related("window")
        .order_by("day", "starts_at", "window__number")
    )
    return [s for s in slots if s.booked < s.capacity and s.start() > now]


@login_required
@require_http_methods(["GET", "POST"])
def appointments(request: HttpRequest) -> HttpResponse:
    """The applicant's appointments and tickets; book a slot for an item."""
    user = _applicant(request)
    district = _public_district(request)
    form = BookForm(request.POST or None, district_id=district.pk)
    chosen = None
    if request.method == "GET" and request.GET.get("item"):
        chosen = HallItem.objects.filter(district=district, active=True, pk=request.GET["item"]).first()
    now = clock.now()
    mine = list(
        Appointment.objects.filter(holder=user)
        .select_related("slot__window", "hall_item__item__current_version")
        .order_by("-slot__day", "-slot__starts_at")[:20]
    )
    for appointment in mine:
        appointment.can_check_in = rules.may_check_in(user, appointment, now)  # type: ignore[attr-defined]
        appointment.can_cancel = rules.may_cancel_appointment(user, appointment, now)  # type: ignore[attr-defined]
    tickets = list(
        Ticket.objects.filter(holder=user, day=clock.today()).select_related("hall_item__item__current_version")
    )
    for held in tickets:
        held.link = ticket_link(held)  # type: ignore[attr-defined]
    context: dict[str, Any] = {
        "form": form,
        "items": form.fields["item"].queryset.select_related("item__current_version"),  # type: ignore[attr-defined]
        "chosen": chosen,
        "slots": _free_slots(district.pk, chosen),
        "appointments": mine,
        "tickets": tickets,
    }
    if request.method == "GET":
        return render(request, "hall/appointments.html", context)
    if not form.is_valid():
        return render(request, "hall/appointments.html", context, status=400)
    try:
        appointment = actions.do_book(form.cleaned_data["slot"], form.cleaned_data["item"], by=user)
    except ValidationError as error:
        context["errors"] = _errors(error)
        return render(request, "hall/appointments.html", context, status=400)
    messages.success(request, _("Your appointment is booked: %(slot)s.") % {"slot": appointment.slot})
    return redirect("hall:appointments")


@login_required
@require_POST
def appointment_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    user = _applicant(request)
    appointment = get_appointment_for_holder(request, pk)
    if action == "cancel":
        actions.do_cancel_appointment(appointment, by=user)
        messages.success(request, _("The appointment is cancelled."))
        return redirect("hall:appointments")
    if action == "check-in":
        try:
            issued = actions.do_check_in_appointment(appointment, by=user)
        except ValidationError as error:
            messages.error(request, " ".join(_errors(error)))
            return redirect("hall:appointments")
        return redirect(ticket_link(issued))
    raise Http404


# The clerk's window ---------------------------------------------------------------------------------


def _window_context(request: StaffRequest, link_form: LinkForm | None = None) -> dict[str, Any]:
    user = request.user
    now = clock.now()
    current = (
        Ticket.objects.filter(window_id=user.window_id, status__in=AT_WINDOW)
        .select_related("hall_item__item__current_version", "application")
        .first()
        if user.window_id
        else None
    )
    served = list(
        HallItem.objects.filter(district_id=user.district_id or 0)
        .served_by(user.window_id)
        .select_related("item__current_version")
        if user.window_id
        else []
    )
    waiting = reports.waiting_now(user.district_id or 0, clock.today())
    context: dict[str, Any] = {
        "current": current,
        "may_call": rules.may_call(user),
        "queues": [(item, waiting.get(item.pk, 0)) for item in served],
        "window": user.window,
    }
    if current is not None:
        context["buttons"] = {
            "recall": rules.may_recall(user, current),
            "start": rules.may_start(user, current),
            "finish": rules.may_finish(user, current),
            "skip": rules.may_skip(user, current, now),
        }
        context["may_link"] = rules.may_link(user, current)
        context["link_form"] = link_form or LinkForm(user=user)
    return context


@login_required
@require_GET
def window(request: HttpRequest) -> HttpResponse:
    staff_or_403(request, CALL)
    return render(request, "hall/window.html", _window_context(request))  # type: ignore[arg-type]


@login_required
@require_POST
def call_next(request: HttpRequest) -> HttpResponse:
    user = staff_or_403(request, CALL)
    called = actions.do_call_next(by=user)
    if called is None:
        messages.info(request, _("Nobody is waiting for the items of your window."))
    else:
        messages.success(request, _("Ticket %(code)s is called.") % {"code": called.code})
    return redirect("hall:window")


@login_required
@require_POST
def ticket_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """One act on the ticket at the clerk's window: recall, start, link, finish, skip."""
    found = get_ticket_for_clerk(request, pk)
    user = staff_or_403(request, CALL)
    simple = {
        "recall": (actions.do_recall, _("Ticket %(code)s is called again.")),
        "start": (actions.do_start, _("Serving ticket %(code)s.")),
        "finish": (actions.do_finish, _("Ticket %(code)s is done.")),
        "skip": (actions.do_skip, _("Ticket %(code)s is skipped.")),
    }
    if action in simple:
        act, message = simple[action]
        act(found, by=user)
        messages.success(request, message % {"code": found.code})
        return redirect("hall:window")
    if action != "link":
        raise Http404
    form = LinkForm(request.POST, user=user)
    if not form.is_valid():
        return render(request, "hall/window.html", _window_context(request, form), status=400)  # type: ignore[arg-type]
    try:
        actions.do_link_application(found, form.cleaned_data["number"], by=user)
    except ValidationError as error:
        context = _window_context(request, form)  # type: ignore[arg-type]
        context["errors"] = _errors(error)
        return render(request, "hall/window.html", context, status=400)
    messages.success(
        request,
        _("Ticket %(code)s is linked to application %(number)s; the visit is counted.")
        % {"code": found.code, "number": form.cleaned_data["number"].number},
    )
    return redirect("hall:window")


# The supervisor's set-up ----------------------------------------------------------------------------


def _setup_context(
    user: User, item_form: HallItemForm | None = None, slots_form: SlotsForm | None = None
) -> dict[str, Any]:
    district_id = user.district_id or 0
    today = clock.today()
    return {
        "hall_items": HallItem.objects.filter(district_id=district_id)
        .select_related("item__current_version")
        .prefetch_related("windows"),
        "item_form": item_form or HallItemForm(district_id=district_id, prefix="item"),
        "slots_form": slots_form or SlotsForm(district_id=district_id, prefix="slots"),
        "slots": Slot.objects.filter(district_id=district_id, day__gte=today, day__lte=today + dt.timedelta(days=14))
        .select_related("window")
        .order_by("day", "window__number", "starts_at")[:200],
        "clerks": User.objects.filter(district_id=district_id, kind=User.Kind.STAFF, window__isnull=False)
        .select_related("window")
        .order_by("window__number", "username"),
    }


@login_required
@require_http_methods(["GET", "POST"])
def setup(request: HttpRequest) -> HttpResponse:
    """The hall's items (prefix, windows) and the appointment slots."""
    user = staff_or_403(request, MANAGE)
    district_id = user.district_id or 0
    if request.method == "GET":
        return render(request, "hall/setup.html", _setup_context(user))
    which = request.POST.get("form")
    if which == "item":
        item_form = HallItemForm(request.POST, district_id=district_id, prefix="item")
        context = _setup_context(user, item_form=item_form)
        if not item_form.is_valid():
            return render(request, "hall/setup.html", context, status=400)
        data = item_form.cleaned_data
        try:
            actions.do_set_hall_item(
                data["item"],
                prefix=data["ticket_prefix"],
                windows=list(data["windows"]),
                active=data["active"],
                order=data["order"],
                by=user,
            )
        except ValidationError as error:
            context["errors"] = _errors(error)
            return render(request, "hall/setup.html", context, status=400)
        messages.success(request, _("The hall item is saved."))
        return redirect("hall:setup")
    if which == "slots":
        slots_form = SlotsForm(request.POST, district_id=district_id, prefix="slots")
        context = _setup_context(user, slots_form=slots_form)
        if not slots_form.is_valid():
            return render(request, "hall/setup.html", context, status=400)
        data = slots_form.cleaned_data
        try:
            created = actions.do_create_slots(
                data["window"],
                day=data["day"],
                starts=data["starts"],
                ends=data["ends"],
                minutes=data["minutes"],
                capacity=data["capacity"],
                by=user,
            )
        except ValidationError as error:
            context["errors"] = _errors(error)
            return render(request, "hall/setup.html", context, status=400)
        messages.success(request, _("%(n)d slots are open for booking.") % {"n": len(created)})
        return redirect("hall:setup")
    raise PermissionDenied


# Figures ----------------------------------------------------------------------------------------------


@login_required
@require_GET
def figures(request: HttpRequest) -> HttpResponse | FileResponse:
    """Waiting and service times per item, window or hour; the one-trip figure from tickets."""
    user = staff_or_403(request, VIEW_FIGURES)
    form = FiguresForm(request.GET)
    if not form.is_valid():
        return render(request, "hall/figures.html", {"form": form}, status=400)
    start, end, by = form.cleaned_data["start"], form.cleaned_data["end"], form.cleaned_data["by"]
    rows = reports.figures(user.district_id or 0, start, end, by)
    if request.GET.get("format") == "xlsx":
        return workbook_response(
            f"hall-{by}-{start.isoformat()}-{end.isoformat()}.xlsx",
            [
                Sheet(
                    str(_("Hall figures")),
                    [
                        dict(form.fields["by"].choices)[by],  # type: ignore[attr-defined]
                        _("Tickets"),
                        _("Served"),
                        _("No-shows"),
                        _("Mean wait (minutes)"),
                        _("Longest wait (minutes)"),
                        _("Mean service (minutes)"),
                    ],
                    (
                        [
                            r.label,
                            r.tickets,
                            r.served,
                            r.no_shows,
                            r.mean_wait_minutes,
                            r.longest_wait_minutes,
                            r.mean_service_minutes,
                        ]
                        for r in rows
                    ),
                )
            ],
        )
    return render(
        request,
        "hall/figures.html",
        {
            "form": form,
            "rows": rows,
            "by": by,
            "start": start,
            "end": end,
            "one_trip": reports.one_trip(user.district_id or 0, start, end),
        },
    )
