"""The bundle page and the bundle's actions tell one story: for every act × every role ×
bundles in several states, the page shows an enabled button exactly when the act
succeeds, and a disabled button's reason is the 403's message (``dgov.bundles.rules``)."""

from typing import Any

import pytest
from django.test import RequestFactory
from django.urls import reverse

from dgov.accounts.models import Applicant
from dgov.accounts.roles import Role
from dgov.applications import actions as application_actions
from dgov.applications.models import Application, Channel
from dgov.bundles import actions, views
from dgov.lib.testing import ENABLED, walk

pytestmark = pytest.mark.django_db

INPUT: dict[str, dict[str, str]] = {
    "accept": {},
    "refuse": {"refuse-reasons": "不属于联办范围"},
    "extend": {"extend-days": "1", "extend-reason": "需专家论证"},
    "issue": {},
    "complete": {},
}


@pytest.fixture
def bundles(bundle, citizen, citizen_applicant, clerk, officers, make_staff, district) -> dict[str, Any]:
    counter = iter(range(100))

    def submitted(applicant: Applicant = citizen_applicant, by: Any = citizen) -> Any:
        bundle_application, _ = actions.do_submit_bundle(
            bundle, applicant=applicant, by=by, channel=Channel.ONLINE, idempotency_key=f"walk-{next(counter)}"
        )
        return bundle_application

    def part(bundle_application: Any, code: str) -> Application:
        return Application.objects.get(bundle_part__bundle_application=bundle_application, department__code=code)

    def accepted() -> Any:
        bundle_application = submitted()
        actions.do_accept_bundle(bundle_application, by=clerk)
        return bundle_application

    def ready() -> Any:
        bundle_application = accepted()
        for code in ("SCJG", "ZJJ"):
            application = part(bundle_application, code)
            reviewer, approver = officers[f"{code.lower()}_reviewer"], officers[f"{code.lower()}_approver"]
            application_actions.do_review(application, by=reviewer)
            application_actions.do_decide(application, by=approver, approve=True)
        bundle_application.refresh_from_db()  # the last decision moved it on
        return bundle_application

    leader = make_staff(Role.DISTRICT_LEADER.value, "walk_extender", department=None)
    sealer = make_staff(Role.SEAL_OFFICER.value, "walk_sealer", department="ZWFW")
    states: dict[str, Any] = {"submitted": submitted()}
    states["a part waiting for a supplement"] = submitted()
    application_actions.do_request_supplement(
        part(states["a part waiting for a supplement"], "ZJJ"), by=clerk, problems=[(None, "图纸不清")]
    )
    states["a part already accepted"] = submitted()
    application_actions.do_accept(part(states["a part already accepted"], "SCJG"), by=clerk)
    states["accepted"] = accepted()
    states["extended to the limit"] = accepted()
    actions.do_extend_bundle(states["extended to the limit"], by=leader, days=15, reason="需专家论证")
    states["ready"] = ready()
    states["issued"] = ready()
    actions.do_issue_bundle(states["issued"], by=sealer)
    states["completed"] = ready()
    actions.do_issue_bundle(states["completed"], by=sealer)
    actions.do_complete_bundle(states["completed"], by=clerk)

    own_clerk = make_staff(Role.WINDOW_CLERK.value, "own_clerk", department="SCJG")
    own_profile = Applicant.objects.create(
        district=district, user=own_clerk, kind=Applicant.Kind.CITIZEN, name="窗口人员本人", phone="13900000000"
    )
    states["the clerk's own, submitted"] = submitted(own_profile, own_clerk)
    return {"states": states, "own_clerk": own_clerk}


def test_every_button_on_the_bundle_page_is_the_rule_its_action_enforces(client, bundles, citizen, every_role):
    people = {**every_role, "the applicant": citizen, "a clerk who is also an applicant": bundles["own_clerk"]}
    factory = RequestFactory()

    def load(person: Any, bundle_application: Any) -> Any:
        request: Any = factory.get("/")
        request.user = person
        return views.get_bundle_application_for_user(request, bundle_application.pk)

    def act(verb: str, person: Any, bundle_application: Any) -> Any:
        spec = views.ACTIONS[verb]
        form = spec.form(INPUT[verb], prefix=verb)
        assert form.is_valid(), (verb, form.errors)
        return spec.run(bundle_application, person, form)

    found = walk(
        client,
        bundles["states"],
        people,
        page=lambda bundle_application: reverse("bundles:case", args=[bundle_application.pk]),
        load=load,
        verbs=list(views.ACTIONS),
        act=act,
    )

    assert found.wrong == []
    # Another applicant's case; and none to the roles that see no case (decision 0025).
    blind = ("project_secretary", "investment_officer", "hired_agent", "fund_manager", "inspector", "administrator")
    others = [(state, who) for state in bundles["states"] for who in blind]
    assert sorted(found.unseen) == sorted([("the clerk's own, submitted", "the applicant"), *others])
    assert all(ENABLED in shown for shown in found.seen.values()), found.seen
    assert "Nobody handles their own application." in found.reasons
    assert "The joint limit can be extended by at most 15 working days in all." in found.reasons
    assert any("cannot be accepted yet" in r for r in found.reasons)
    assert any("cannot be refused with the bundle" in r for r in found.reasons)
