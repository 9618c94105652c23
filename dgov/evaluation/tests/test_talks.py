"""Heart-to-heart talks: content for the two people and inspectors; counts for everyone."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from dgov.audit.models import AuditEntry
from dgov.evaluation import actions
from dgov.evaluation.models import Talk
from dgov.lib import clock

pytestmark = pytest.mark.django_db

SECRET = "谈到了家里的困难和工作调整的想法"


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def talk(head, approver):
    return actions.do_record_talk(
        by=head, counterpart=approver, held_on=clock.today(), topic="转变作风", content=SECRET
    )


def test_a_unit_head_records_a_talk_through_the_form(head, approver):
    response = logged_in(head).post(
        reverse("evaluation:talk_new"),
        {
            "counterpart": approver.pk,
            "held_on": clock.today().isoformat(),
            "topic": "提振信心",
            "content": SECRET,
        },
    )
    assert response.status_code == 302
    talk = Talk.objects.get()
    assert (talk.leader, talk.counterpart, talk.unit_id) == (head, approver, head.department_id)


def test_a_talk_cannot_be_recorded_before_it_is_held(head, approver):
    tomorrow = clock.today() + dt.timedelta(days=1)
    response = logged_in(head).post(
        reverse("evaluation:talk_new"),
        {"counterpart": approver.pk, "held_on": tomorrow.isoformat(), "topic": "t", "content": "c"},
    )
    assert response.status_code == 400
    assert not Talk.objects.exists()


def test_the_two_people_and_an_inspector_read_the_content(talk, head, approver, inspector):
    for person in (head, approver, inspector):
        response = logged_in(person).get(reverse("evaluation:talk", args=[talk.pk]))
        assert response.status_code == 200
        assert SECRET in response.content.decode()


def test_talk_content_is_invisible_to_other_staff(talk, clerk, other_head):
    for person in (clerk, other_head):
        client = logged_in(person)
        assert client.get(reverse("evaluation:talk", args=[talk.pk])).status_code == 404
        overview = client.get(reverse("evaluation:talks")).content.decode()
        assert SECRET not in overview
        assert "转变作风" not in overview
        # … but the count of the unit's talks is there for everyone.
        assert f'data-unit="{talk.unit.code}"' in overview


def test_the_audit_trail_keeps_no_talk_content(talk):
    entry = AuditEntry.objects.get(verb="evaluation.talk_record")
    assert SECRET not in str(entry.changes)


def test_only_the_two_people_record_the_follow_up(talk, approver, inspector):
    url = reverse("evaluation:talk", args=[talk.pk])
    assert logged_in(inspector).post(url, {"follow_up": "改"}).status_code == 403
    assert logged_in(approver).post(url, {"follow_up": "已调整岗位"}).status_code == 302
    talk.refresh_from_db()
    assert talk.follow_up == "已调整岗位"


def test_counts_per_unit_and_month_and_the_heads_behind_the_rule(settings, head, other_head, approver, clerk):
    settings.EVALUATION_TALKS_PER_MONTH = 2
    today = clock.today()
    for _ in range(2):
        actions.do_record_talk(by=head, counterpart=approver, held_on=today, topic="t", content="c")
    actions.do_record_talk(by=other_head, counterpart=clerk, held_on=today, topic="t", content="c")

    response = logged_in(clerk).get(reverse("evaluation:talks"), {"month": today.strftime("%Y-%m")})
    counts = {c["unit__code"]: c["n"] for c in response.context["counts"]}
    assert counts == {"SCJG": 2, "WJJ": 1}
    behind = [u.username for u in response.context["behind"]]
    assert behind == ["other_head"]

    last_year = logged_in(clerk).get(reverse("evaluation:talks"), {"month": f"{today.year - 1}-01"})
    assert list(last_year.context["counts"]) == []
    assert sorted(u.username for u in last_year.context["behind"]) == ["head", "other_head"]


def test_a_bad_month_is_a_form_error(clerk):
    assert logged_in(clerk).get(reverse("evaluation:talks"), {"month": "2026-13"}).status_code == 400


def test_the_last_month_of_year_9999_is_a_form_error_not_a_crash(clerk):
    response = logged_in(clerk).get(reverse("evaluation:talks"), {"month": "9999-12"})
    assert response.status_code == 400
    assert "Enter a month as YYYY-MM." in response.content.decode()


def test_a_deactivated_unit_head_is_not_listed_behind_the_rule(head, other_head, clerk):
    other_head.is_active = False
    other_head.save()
    response = logged_in(clerk).get(reverse("evaluation:talks"))
    assert [u.username for u in response.context["behind"]] == ["head"]
    assert 'data-leader="other_head"' not in response.content.decode()


def test_staff_without_the_permission_cannot_record_talks(clerk):
    assert logged_in(clerk).get(reverse("evaluation:talk_new")).status_code == 403


def test_the_talks_page_takes_a_fixed_number_of_queries(
    head, approver, clerk, inspector, django_assert_max_num_queries
):
    for n in range(8):
        actions.do_record_talk(
            by=head, counterpart=approver if n % 2 else clerk, held_on=clock.today(), topic=f"t{n}", content="c"
        )
    client = logged_in(inspector)
    client.get(reverse("evaluation:talks"))  # warm the session and permission caches
    with django_assert_max_num_queries(9):
        response = client.get(reverse("evaluation:talks"))
    assert response.content.decode().count("data-talk=") == 8


def test_the_counts_per_unit_and_month_are_public_and_the_records_are_not(client, talk, head, approver):
    """Counts per unit and month for everyone, without logging in; nothing of a record."""
    response = client.get(reverse("evaluation:public_talks"))
    assert response.status_code == 200
    page = response.content.decode()
    row = page[page.index(f'data-unit="{head.department.code}"') :]
    assert "<td>1</td>" in row.split("</tr>")[0]
    main = page[page.index("<main") :]
    for secret in (SECRET, "转变作风", str(head), str(approver), f">{head.username}<", f">{approver.username}<"):
        assert secret not in main
    assert client.get(reverse("evaluation:talk", args=[talk.pk])).status_code == 302  # the record needs a login
