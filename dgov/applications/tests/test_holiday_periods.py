"""Issue 20 item 3 end to end: a 0-working-day item (即办件) accepted, or deemed accepted,
on a day that is not a working day is due on the next working day (Civil Code Art. 203),
through the real acceptance act and the case page, with the original date kept visible.

Dates by hand from the State Council notices:
- 2025 Spring Festival: 28 Jan – 4 Feb off; Sun 26 Jan and Sat 8 Feb working days.
- 2025 National Day: 1–8 Oct off; Sun 28 Sep and Sat 11 Oct working days.
- 2026 Spring Festival: 15–23 Feb off; Sat 14 Feb and Sat 28 Feb working days.
- 2026 National Day: 1–7 Oct off; Sun 20 Sep and Sat 10 Oct working days."""

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from dgov.accounts.models import Department
from dgov.applications import actions
from dgov.applications.models import Application, Channel, Status
from dgov.services.actions import do_publish_version
from dgov.services.models import Audience, Material, OnlineLevel, Trips
from dgov.workdays.models import CountedFrom

pytestmark = pytest.mark.django_db

D = dt.date


@pytest.fixture
def on_the_spot(district: Any, administrator: Any) -> Any:
    """An item handled on the spot: 0 working days, legal and promised."""
    data = {
        "code": "KC-SCJG-000",
        "name": "即办：食品经营备案",
        "kind": Audience.ENTERPRISE,
        "department": Department.objects.get(district=district, code="SCJG"),
        "legal_basis": "《食品经营许可和备案管理办法》",
        "conditions": "",
        "legal_limit_days": 0,
        "promised_limit_days": 0,
        "max_trips": Trips.ONE,
        "online_level": OnlineLevel.FULL,
        "fees": "",
        "fee_basis": "",
        "keywords": "备案",
    }
    material = {
        "name": "备案表",
        "form": Material.Form.ORIGINAL,
        "copies": 1,
        "source": Material.Source.APPLICANT,
        "legal_basis": "《食品经营许可和备案管理办法》第十二条",
        "required": True,
        "rongque": False,
    }
    return do_publish_version(None, data, [material], [], by=administrator)


def accepted_at_the_window(clock: Any, day: dt.date, item: Any, applicant: Any, clerk: Any, key: str) -> Application:
    clock.set(day)
    application, _ = actions.do_submit(
        item=item, applicant=applicant, by=clerk, channel=Channel.WINDOW, idempotency_key=key
    )
    actions.do_accept(application, by=clerk)
    return Application.objects.select_related("legal_deadline", "promised_deadline").get(pk=application.pk)


@pytest.mark.parametrize(
    ("accepted", "due"),
    [
        (D(2025, 1, 28), D(2025, 2, 5)),  # Spring Festival 2025: first day off → Wed 5 Feb
        (D(2025, 1, 26), D(2025, 1, 26)),  # make-up Sunday: a working day, due that day
        (D(2025, 2, 8), D(2025, 2, 8)),  # make-up Saturday
        (D(2025, 10, 4), D(2025, 10, 9)),  # National Day 2025, a Saturday off → Thu 9 Oct
        (D(2025, 10, 11), D(2025, 10, 11)),  # make-up Saturday
        (D(2026, 2, 15), D(2026, 2, 24)),  # Spring Festival 2026, a Sunday → Tue 24 Feb
        (D(2026, 2, 14), D(2026, 2, 14)),  # make-up Saturday
        (D(2026, 3, 7), D(2026, 3, 9)),  # an ordinary Saturday → Monday
        (D(2026, 10, 1), D(2026, 10, 8)),  # National Day 2026 → Thu 8 Oct
        (D(2026, 10, 10), D(2026, 10, 10)),  # make-up Saturday
    ],
)
def test_an_on_the_spot_item_accepted_on_a_rest_day_is_due_on_the_next_working_day(
    client, clock, on_the_spot, citizen_applicant, clerk, accepted, due
):
    application = accepted_at_the_window(clock, accepted, on_the_spot, citizen_applicant, clerk, str(accepted))
    assert application.accepted_on == accepted
    for deadline in (application.legal_deadline, application.promised_deadline):
        assert (deadline.start_date, deadline.working_days, deadline.due_date) == (accepted, 0, due)
        assert not deadline.provisional
    client.force_login(clerk)
    page = client.get(reverse("applications:case", args=[application.pk])).content.decode()
    assert f'data-due-date="{due.isoformat()}"' in page
    carried = f'data-carried="promised" data-nominal="{accepted.isoformat()}"'
    assert (carried in page) == (accepted != due)
    if accepted != due:
        # The derivation shown under the date says why, naming both days.
        assert f"{accepted.isoformat()} (" in page and "Civil Code Art. 203" in page


def test_an_on_the_spot_application_received_on_national_day_is_deemed_accepted_that_day_and_due_after_it(
    client, clock, on_the_spot, citizen, citizen_applicant, clerk
):
    clock.set(D(2025, 10, 1))
    application, _ = actions.do_submit(
        item=on_the_spot, applicant=citizen_applicant, by=citizen, channel=Channel.ONLINE, idempotency_key="nd"
    )
    # No notice within 5 working days of receipt: 9, 10, Sat 11 (make-up), 13, 14 Oct.
    assert application.supplement_notice_due() == D(2025, 10, 14)
    assert actions.deem_accepted(today=D(2025, 10, 14)) == 0
    assert actions.deem_accepted(today=D(2025, 10, 15)) == 1
    application = Application.objects.select_related("promised_deadline", "legal_deadline").get(pk=application.pk)
    assert (application.status, application.deemed_accepted, application.accepted_on) == (
        Status.ACCEPTED,
        True,
        D(2025, 10, 1),
    )
    promised = application.promised_deadline
    assert promised.counted_from == CountedFrom.RECEIVED
    # Working day 0 from Wed 1 Oct is not 1 Oct (a holiday) but Thu 9 Oct.
    assert (promised.due_date, application.legal_deadline.due_date) == (D(2025, 10, 9), D(2025, 10, 9))
    steps = promised.compute_due().derivation
    assert steps[0].startswith("Received on 2025-10-01")
    assert "2025-10-01 (Wednesday) is not a working day" in steps[-2]
    assert steps[-1].startswith("Due on 2025-10-09 (Thursday)")
    client.force_login(clerk)
    page = client.get(reverse("applications:case", args=[application.pk])).content.decode()
    assert 'data-carried="legal" data-nominal="2025-10-01"' in page
    assert 'data-due-date="2025-10-09"' in page
