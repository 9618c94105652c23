"""The account pages and their writes tell one story: for every role (and a citizen, and
staff of another district) each page opens, and the reveal button shows, exactly when
the write behind it succeeds (``dgov.accounts.rules``)."""

import pytest
from django.urls import reverse

from dgov.accounts import actions
from dgov.accounts.models import Applicant
from dgov.lib.testing import outcome

pytestmark = pytest.mark.django_db


def test_every_account_page_opens_exactly_for_those_whose_writes_succeed(
    client, every_role, citizen, make_staff, other_district, district
):
    applicant = Applicant.objects.get(user=citizen)
    people = {**every_role, "citizen": citizen}
    writes = {
        "staff": lambda person: actions.do_create_staff(
            by=person,
            district=district,
            username=f"new_{person.pk}",
            full_name="新人",
            password="a-long-pass-123",
            roles=[],
        ),
        "applicant": lambda person: actions.do_register_applicant(
            by=person, district=district, kind=Applicant.Kind.CITIZEN, name="王芳", phone="13700000000"
        ),
        "reveal": lambda person: actions.do_reveal(by=person, applicant=applicant, field="phone", reason="核对身份"),
    }
    allowed: dict[str, set[str]] = {act: set() for act in writes}
    for who, person in people.items():
        client.force_login(person)
        applicants = client.get(reverse("accounts:applicants"))
        offered = {
            "staff": client.get(reverse("accounts:staff_create")).status_code == 200,
            "applicant": client.get(reverse("accounts:applicant_create")).status_code == 200,
            "reveal": applicants.status_code == 200 and 'class="reveal"' in applicants.content.decode(),
        }
        for act, write in writes.items():
            result = outcome(lambda write=write, person=person: write(person))
            expected = ("done", "") if offered[act] else ("403", "Your role does not allow this action.")
            assert result == expected, (who, act, result)
            if offered[act]:
                allowed[act].add(who)
    assert allowed["staff"] == {"administrator"}
    assert "window_clerk" in allowed["applicant"] and "window_clerk" in allowed["reveal"]
    # An administrator of another district acts in their own district only.
    elsewhere = make_staff("administrator", "far_admin", department=None, in_district=other_district)
    for act, write in writes.items():
        assert outcome(lambda write=write: write(elsewhere))[0] == "403", act
