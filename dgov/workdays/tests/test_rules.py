"""The calendar's pages and its writes tell one story: for every role (and a citizen) the
editing links show and the editing pages open exactly when setting, clearing and
importing days succeed (``dgov.workdays.rules``)."""

import datetime as dt

import pytest
from django.urls import reverse

from dgov.lib.testing import outcome
from dgov.workdays import actions

pytestmark = pytest.mark.django_db

FRIDAY = dt.date(2026, 11, 20)


def test_the_calendar_offers_editing_exactly_to_those_whose_edits_succeed(client, every_role, citizen):
    actions.do_set_day(dt.date(2026, 11, 27), "holiday", "临时调休")  # a day to clear
    allowed = set()
    for who, person in {**every_role, "citizen": citizen}.items():
        client.force_login(person)
        year = client.get(reverse("workdays:year", args=[2026]))
        offered = year.status_code == 200 and reverse("workdays:day") in year.content.decode()
        opens = {client.get(reverse(name)).status_code for name in ("workdays:day", "workdays:import")}
        assert opens == ({200} if offered else {403}), (who, opens)
        writes = {
            outcome(lambda person=person: actions.do_set_day(FRIDAY, "holiday", "临时调休", by=person)),
            outcome(lambda person=person: actions.do_clear_day(dt.date(2026, 11, 27), by=person)),
        }
        assert writes == ({("done", "")} if offered else {("403", "Your role does not allow this action.")}), who
        if offered:
            allowed.add(who)
    assert allowed == {"administrator"}
