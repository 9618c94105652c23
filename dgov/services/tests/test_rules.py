"""The catalogue's pages and its writes tell one story: for every role (and a citizen, and
an administrator of another district) the editing pages open exactly when publishing,
importing and grouping succeed (``dgov.services.rules``)."""

import pytest
from django.urls import reverse

from dgov.lib.testing import outcome
from dgov.services import actions
from dgov.services.models import Audience, Event
from dgov.services.tests.conftest import guide_data, material

pytestmark = pytest.mark.django_db


def test_the_catalogue_pages_open_exactly_for_those_whose_writes_succeed(
    client, every_role, citizen, make_staff, other_district, district, publish
):
    item = publish("SCJG-001")
    event = Event.objects.create(district=district, kind=Audience.ENTERPRISE, name="开饭店")
    people = {**every_role, "citizen": citizen}
    allowed = set()
    for who, person in people.items():
        client.force_login(person)
        pages = {client.get(reverse(name)).status_code for name in ("services:staff_items", "services:staff_import")}
        assert len(pages) == 1 and pages <= {200, 403}, (who, pages)
        opens = pages == {200}
        data = guide_data(district, promised_limit_days=3)
        writes = {
            outcome(lambda person=person, data=data: actions.do_publish_version(item, data, [material()], [], person)),
            outcome(lambda person=person: actions.do_import_catalogue(district, [], by=person)),
            outcome(lambda person=person: actions.do_set_event_items(event, [item], by=person)),
        }
        assert writes == ({("done", "")} if opens else {("403", "Your role does not allow this action.")}), who
        if opens:
            allowed.add(who)
    assert allowed == {"administrator"}
    # An administrator of another district edits their own district's catalogue only.
    elsewhere = make_staff("administrator", "far_admin", department=None, in_district=other_district)
    assert (
        outcome(lambda: actions.do_publish_version(item, guide_data(district), [material()], [], elsewhere))[0] == "403"
    )
    assert outcome(lambda: actions.do_import_catalogue(district, [], by=elsewhere))[0] == "403"
