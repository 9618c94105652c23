import datetime as dt

import pytest
from django.utils import timezone

from dgov.accounts.models import Department, ServiceWindow
from dgov.hall import demo
from dgov.hall.models import HallItem, Slot, Ticket, TicketStatus
from dgov.hall.tests.conftest import publish

pytestmark = pytest.mark.django_db


def test_the_demo_fills_the_hall_and_running_it_twice_changes_nothing(district, make_staff, administrator, clock):
    clock.set(timezone.make_aware(dt.datetime(2026, 12, 2, 10, 0)))  # a Wednesday morning: the hall is open
    centre = Department.objects.get(district=district, code="ZWFW")
    for number in ("02", "03", "09"):
        ServiceWindow.objects.get_or_create(
            district=district, number=number, defaults={"service_centre": centre, "name": "窗口"}
        )
    make_staff("centre_supervisor", "supervisor", department="ZWFW")
    publish(district, administrator, f"{district.code}-SCJG-001", "个体工商户设立登记")
    publish(district, administrator, f"{district.code}-SCJG-004", "公司设立登记")

    demo.load(district)
    counts = [m.objects.count() for m in (HallItem, Ticket, Slot)]
    demo.load(district)

    assert [m.objects.count() for m in (HallItem, Ticket, Slot)] == counts
    assert counts[0] == 2 and counts[2] > 0
    assert Ticket.objects.filter(status=TicketStatus.DONE).exists()
    assert Ticket.objects.filter(status=TicketStatus.CALLED).count() == 2
    assert Ticket.objects.filter(status=TicketStatus.WAITING).exists()
