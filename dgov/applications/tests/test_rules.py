"""The case page and the actions tell one story: for every act × every role × cases in
several states, the page shows an enabled button exactly when the act succeeds, and a
disabled button's reason is the 403's message (``dgov.applications.rules``)."""

import datetime as dt
from typing import Any

import pytest
from django.test import RequestFactory
from django.urls import reverse

from dgov.accounts.models import Applicant
from dgov.accounts.roles import Role
from dgov.applications import actions, views
from dgov.applications.delivery import do_choose_delivery
from dgov.applications.models import Channel
from dgov.lib.testing import ENABLED, walk

pytestmark = pytest.mark.django_db

# Valid input for each act, so that only the rule decides.
INPUT: dict[str, dict[str, str]] = {
    "accept": {},
    "request_supplement": {
        "problems-TOTAL_FORMS": "1",
        "problems-INITIAL_FORMS": "0",
        "problems-0-material": "",
        "problems-0-problem": "平面图不清晰",
    },
    "refuse": {"refuse-reasons": "不属于本中心受理范围"},
    "supplement": {},
    "review": {"review-note": "材料齐全"},
    "approve": {},
    "deny": {"deny-reasons": "不符合法定条件"},
    "complete": {},
    "stop_clock": {
        "stop_clock-procedure": "现场核查",
        "stop_clock-expected_days": "5",
        "stop_clock-notice": "需现场核查，预计5个工作日",
    },
    "resume_clock": {},
    "extend": {"extend-days": "1", "extend-reason": "需专家论证"},
    "check_in": {},
    "record_post": {"record_post-carrier": "EMS", "record_post-tracking_number": "EA123456789CN"},
}


@pytest.fixture
def cases(item, citizen, citizen_applicant, clerk, reviewer, approver, make_staff, district, clock) -> dict[str, Any]:
    """One application in each state that changes what may be done, and a window clerk
    who is also an applicant (with an application of their own)."""
    clock.set(dt.date(2026, 9, 28))
    counter = iter(range(100))

    def submitted(applicant: Applicant = citizen_applicant, by: Any = citizen) -> Any:
        application, _ = actions.do_submit(
            item=item, applicant=applicant, by=by, channel=Channel.ONLINE, idempotency_key=f"walk-{next(counter)}"
        )
        return application

    def accepted() -> Any:
        application = submitted()
        actions.do_accept(application, by=clerk)
        return application

    def reviewed() -> Any:
        application = accepted()
        actions.do_review(application, by=reviewer)
        return application

    states: dict[str, Any] = {"submitted": submitted()}
    states["supplement"] = submitted()
    actions.do_request_supplement(states["supplement"], by=clerk, problems=[(None, "申请书未签字")])
    states["accepted"] = accepted()
    states["reviewed"] = reviewed()
    # Extended to the limit of Art. 42, then stopped for a special procedure.
    states["reviewed, extended, clock stopped"] = stopped = accepted()
    actions.do_extend(stopped, by=approver, days=10, reason="需专家论证")
    actions.do_review(stopped, by=reviewer)
    actions.do_stop_clock(stopped, by=approver, procedure="检验", expected_days=3, notice="送检")
    states["approved"] = reviewed()
    actions.do_decide(states["approved"], by=approver, approve=True)
    # The applicant chose the post (证照邮寄): the clerk records the tracking number.
    states["approved, to post"] = to_post = reviewed()
    actions.do_decide(to_post, by=approver, approve=True)
    do_choose_delivery(
        to_post,
        by=citizen,
        method="post",
        recipient="李华",
        phone="13812345678",
        address="吉林省长春市宽城区长江路88号",
    )
    states["completed"] = reviewed()
    actions.do_decide(states["completed"], by=approver, approve=True)
    actions.do_complete(states["completed"], by=clerk)
    # Received long ago: the 5 working days for a supplement notice have passed.
    states["submitted, notice too late"] = submitted()
    type(states["submitted"]).objects.filter(pk=states["submitted, notice too late"].pk).update(
        received_on=dt.date(2026, 9, 1)
    )

    own_clerk = make_staff(Role.WINDOW_CLERK.value, "own_clerk", department="SCJG")
    own_profile = Applicant.objects.create(
        district=district, user=own_clerk, kind=Applicant.Kind.CITIZEN, name="窗口人员本人", phone="13900000000"
    )
    states["the clerk's own, submitted"] = submitted(own_profile, own_clerk)
    return {"states": states, "own_clerk": own_clerk}


def test_every_button_on_the_case_page_is_the_rule_its_action_enforces(client, cases, citizen, every_role):
    people = {**every_role, "the applicant": citizen, "a clerk who is also an applicant": cases["own_clerk"]}
    factory = RequestFactory()

    def request(person: Any, application: Any, verb: str = "") -> Any:
        made: Any = factory.post("/", INPUT.get(verb, {}))
        made.user = person
        return made

    def act(verb: str, person: Any, application: Any) -> Any:
        spec = views.ACTIONS[verb]
        made = request(person, application, verb)
        form = spec.form(application, made, True)
        assert form.is_valid(), (verb, form.errors)
        return spec.run(application, made, form)

    found = walk(
        client,
        cases["states"],
        people,
        page=lambda application: reverse("applications:case", args=[application.pk]),
        load=lambda person, application: views.get_application_for_user(request(person, application), application.pk),
        verbs=list(views.ACTIONS),
        act=act,
    )

    assert found.wrong == []
    # Another applicant's case; and none to the roles that see no case (decision 0025).
    blind = ("project_secretary", "investment_officer", "hired_agent", "fund_manager", "inspector", "administrator")
    others = [(state, who) for state in cases["states"] for who in blind]
    assert sorted(found.unseen) == sorted([("the clerk's own, submitted", "the applicant"), *others])
    # The walk met every act enabled, and the reasons the rules give.
    assert all(ENABLED in shown for shown in found.seen.values()), found.seen
    assert {
        "Nobody handles their own application.",
        "Resume the clock before deciding.",
        "The limit can be extended by at most 10 working days in all.",
    } <= found.reasons
    assert any(r.startswith("The 5 working days for a supplement notice have passed") for r in found.reasons)
