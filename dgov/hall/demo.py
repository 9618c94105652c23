"""Demo of the open hall (idempotent): four items served at the general windows, the
enterprise window and the green-channel window; a morning of tickets today (some waiting,
two called to windows 02 and 03, some done); a week of served tickets for the figures;
slots for the next three days at windows 02 and 09.

The week of history is made by moving the platform's clock (``dgov.lib.clock``), so every
ticket goes through the same actions, audit entries included; the clock is released at
the end whatever happens.
"""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from dgov.accounts.models import District, ServiceWindow, User
from dgov.hall import actions
from dgov.hall.models import HallItem, Priority, Slot, Ticket
from dgov.lib import clock
from dgov.services.models import ServiceItem

# prefix, item code (without the district), windows
HALL = [
    ("A", "SCJG-001", ["01", "02", "03", "04"]),
    ("B", "SCJG-004", ["02", "09"]),
    ("C", "SCJG-008", ["03", "04", "05"]),
    ("D", "ZRZY-001", ["06", "10"]),
]
# minutes waited, minutes served, per ticket of a past day
HISTORY = [(3, 9), (12, 15), (25, 7), (6, 11), (18, 20), (9, 8)]


def load(district: District) -> None:
    supervisor = User.objects.filter(username="supervisor", district=district).first()
    if supervisor is None or HallItem.objects.filter(district=district).exists():
        return
    windows = {w.number: w for w in ServiceWindow.objects.filter(district=district)}
    with transaction.atomic():
        hall_items = []
        for order, (prefix, code, numbers) in enumerate(HALL):
            item = ServiceItem.objects.filter(district=district, code=f"{district.code}-{code}").first()
            chosen = [windows[n] for n in numbers if n in windows]
            if item is None or not chosen:
                continue
            hall_items.append(actions.do_set_hall_item(item, prefix=prefix, windows=chosen, by=supervisor, order=order))
        if not hall_items:
            return
        clerks = _demo_clerks(district, windows)
        moment = clock.now()  # the platform's now: a test may have set it
        try:
            _history(hall_items[0], clerks, moment)
            _this_morning(hall_items, clerks, moment)
            clock.set(moment)
            _slots(windows, supervisor, timezone.localdate(moment))
        finally:
            clock.set(None)


def _demo_clerks(district: District, windows: dict[str, ServiceWindow]) -> dict[str, User]:
    """The demo clerk sits at window 01; two more clerks at 02 and 03 call the demo's
    tickets (their password is every demo account's)."""
    from django.contrib.auth.models import Group

    from dgov.accounts.demo import DEMO_PASSWORD

    clerks = {}
    for number, username, name in (("02", "clerk2", "刘芳（综合窗口）"), ("03", "clerk3", "马超（综合窗口）")):
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(
                username=username,
                full_name=name,
                kind=User.Kind.STAFF,
                district=district,
                department=windows[number].service_centre,
                window=windows[number],
            )
            user.set_password(DEMO_PASSWORD)
            user.save()
            user.groups.add(Group.objects.get(name="window_clerk"))
        clerks[number] = user
    return clerks


def _history(hall_item: HallItem, clerks: dict[str, User], now: dt.datetime) -> None:
    clerk = clerks["02"]
    today = timezone.localdate(now)
    for days_ago in range(7, 0, -1):
        day = today - dt.timedelta(days=days_ago)
        if day.weekday() >= 5:
            continue
        start = timezone.make_aware(dt.datetime.combine(day, dt.time(9, 0)))
        for n, (wait, service) in enumerate(HISTORY):
            taken = start + dt.timedelta(minutes=40 * n)
            clock.set(taken)
            actions.do_take_ticket(hall_item, source="kiosk")
            clock.set(taken + dt.timedelta(minutes=wait))
            ticket = actions.do_call_next(by=clerk)
            if ticket is None:
                continue
            actions.do_start(ticket, by=clerk)
            clock.set(taken + dt.timedelta(minutes=wait + service))
            actions.do_finish(ticket, by=clerk)


def _this_morning(hall_items: list[HallItem], clerks: dict[str, User], now: dt.datetime) -> None:
    if Ticket.objects.filter(hall_item__in=hall_items, day=timezone.localdate(now)).exists():
        return
    clock.set(now - dt.timedelta(minutes=30))
    for hall_item in hall_items:
        for _ in range(3):
            actions.do_take_ticket(hall_item, source="kiosk")
    actions.do_take_ticket(hall_items[0], source="kiosk", priority=Priority.ELDERLY)
    clock.set(now - dt.timedelta(minutes=2))
    for clerk in clerks.values():
        actions.do_call_next(by=clerk)


def _slots(windows: dict[str, ServiceWindow], supervisor: User, today: dt.date) -> None:
    day, opened = today, 0
    while opened < 3:
        day += dt.timedelta(days=1)
        if day.weekday() >= 5:
            continue
        opened += 1
        for number in ("02", "09"):
            window = windows.get(number)
            if window is None or Slot.objects.filter(window=window, day=day).exists():
                continue
            for starts, ends in ((dt.time(9, 0), dt.time(11, 30)), (dt.time(13, 30), dt.time(16, 30))):
                actions.do_create_slots(
                    window, day=day, starts=starts, ends=ends, minutes=30, capacity=3, by=supervisor
                )
