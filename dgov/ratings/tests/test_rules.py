"""Every action of the ratings app, tried by every role on objects in several states: the
page shows an enabled button exactly when the action succeeds, and a disabled button's
reason is the 403's message (one predicate, ``dgov/ratings/rules.py``, behind both)."""

import pytest
from django.test import Client

from dgov.lib.testing import walk_pages
from dgov.ratings import actions
from dgov.ratings.models import Appeal, Level, Rectification, Source

pytestmark = pytest.mark.django_db

STEP_DATA = {
    "callback": {"callback-note": "已回访"},
    "fix": {"fix-fix": "批评教育，首问负责"},
    "reply": {"reply-reply": "感谢监督，已整改"},
    "appeal": {"appeal-ground": "mistaken", "appeal-reason": "误评"},
    "decide": {"decide-outcome": "reject", "decide-decision": "评价属实"},
}


def steps(r: Rectification) -> dict:
    base = f"/ratings/rectifications/{r.pk}/"
    return {verb: (f"{base}{verb}/", data) for verb, data in STEP_DATA.items()}


@pytest.fixture
def bad(citizen, completed) -> Rectification:
    rating = actions.do_rate(completed, level=Level.VERY_DISSATISFIED, source=Source.PAGE, by=citizen)
    return Rectification.objects.get(rating=rating)


def states(bad: Rectification, supervisor, unit_head):
    """The rectification fresh, then after each step; the appeal filed, then decided."""
    yield "open", bad
    actions.do_file_appeal(bad.rating, by=unit_head, ground=Appeal.Ground.MISTAKEN, reason="误评")
    yield "appealed", bad
    actions.do_record_callback(bad, by=supervisor, note="已回访")
    yield "called back", bad
    actions.do_record_fix(bad, by=supervisor, fix="已整改")
    yield "fixed", bad
    actions.do_decide_appeal(Appeal.objects.get(), by=supervisor, uphold=False, decision="属实")
    yield "appeal decided", bad
    actions.do_reply(bad, by=supervisor, reply="已答复")
    yield "closed", bad


def test_every_role_sees_on_the_fresh_rectification_exactly_what_it_may_do(bad, every_role, citizen):
    people = [*every_role("SCJG").values(), *every_role("ZWFW").values(), citizen]
    client = Client()
    problems = []
    for person in people:
        problems += walk_pages(client, person, f"/ratings/rectifications/{bad.pk}/", steps(bad))
    assert problems == []


def test_through_every_state_the_buttons_and_the_actions_agree(bad, supervisor, unit_head, approver, clerk):
    client = Client()
    problems = []
    for state, r in states(bad, supervisor, unit_head):
        r = Rectification.objects.get(pk=r.pk)
        for person in (supervisor, unit_head, approver, clerk):
            problems += [
                f"{state}: {p}" for p in walk_pages(client, person, f"/ratings/rectifications/{r.pk}/", steps(r))
            ]
    assert problems == []


def test_a_step_out_of_order_is_a_disabled_button_with_the_reason_the_action_gives(bad, supervisor):
    client = Client()
    client.force_login(supervisor)
    page = client.get(f"/ratings/rectifications/{bad.pk}/").content.decode()
    assert 'data-disabled-action="reply"' in page and "Record the call-back and the measures before replying." in page
    answer = client.post(f"/ratings/rectifications/{bad.pk}/reply/", STEP_DATA["reply"])
    assert answer.status_code == 403
    assert "Record the call-back and the measures before replying." in answer.content.decode()


def test_the_applicant_rates_a_finished_case_and_not_an_unfinished_one(citizen, finish, every_role, clerk):
    done, open_case = finish("k1"), finish("k2", complete=False)
    client = Client()
    people = (citizen, clerk, *every_role("SCJG").values())
    problems = []
    for application in (done, open_case):
        url = f"/ratings/case/{application.pk}/"
        for person in people:
            problems += walk_pages(client, person, url, {"rate": (url, {"level": Level.SATISFIED})}, success=rated)
    assert problems == []


def rated(response) -> bool:
    return response.status_code == 200 and b"data-thanks" in response.content


def test_only_whoever_keeps_the_policy_may_save_it(every_role, citizen):
    client = Client()
    data = {"deem_unrated": "on", "rectification_days": 10}
    problems = []
    for person in (*every_role("ZWFW").values(), citizen):
        problems += walk_pages(client, person, "/ratings/policy/", {"save_policy": ("/ratings/policy/", data)})
    assert problems == []
