import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, connections

from dgov.audit.models import AuditEntry
from dgov.lib.conflicts import Conflict
from dgov.notifications.models import Notification
from dgov.policies import actions, matching
from dgov.policies.models import Grant, Policy, PolicyMatch, Via

from .conftest import TODAY

pytestmark = pytest.mark.django_db


def test_an_enterprise_receives_a_one_click_policy_at_once_audited_and_told(enterprise_user, own_profile, make_policy):
    policy = make_policy("industry in C37; certificates has high_tech", benefit_amount=Decimal("20"))
    grant = actions.do_receive_one_click(policy, own_profile, by=enterprise_user, facts={"employees": 85})
    assert (grant.amount, grant.via, grant.period_key, grant.granted_on) == (
        Decimal("20"),
        Via.ONE_CLICK,
        "once",
        TODAY,
    )
    assert grant.facts == {"certificates": [",high_tech,", ""], "industry": ["C3720", ""]}
    own_profile.refresh_from_db()
    assert own_profile.employees == 85 and own_profile.sources["employees"] == "confirmed"
    assert AuditEntry.objects.filter(verb="policies.grant", object_id=str(grant.pk)).exists()
    assert AuditEntry.objects.filter(verb="policies.facts.confirm").exists()
    assert Notification.objects.filter(recipient=enterprise_user, subject__contains=policy.title).exists()
    policy.refresh_from_db()
    assert (policy.granted_total, policy.grant_count) == (Decimal("20"), 1)


def test_the_same_policy_is_never_granted_twice_in_its_period(enterprise_user, own_profile, make_policy, clock):
    policy = make_policy("", period="year")
    actions.do_receive_one_click(policy, own_profile, by=enterprise_user)
    with pytest.raises(Conflict, match="already received this policy in this period"):
        actions.do_receive_one_click(policy, own_profile, by=enterprise_user)
    assert Grant.objects.count() == 1
    clock.set(dt.date(2027, 1, 5))
    Policy.objects.filter(pk=policy.pk).update(valid_to=dt.date(2027, 12, 31))
    policy.refresh_from_db()
    assert actions.do_receive_one_click(policy, own_profile, by=enterprise_user).period_key == "2027"


def test_an_enterprise_that_does_not_qualify_is_told_which_conditions_fail(enterprise_user, own_profile, make_policy):
    policy = make_policy("employees >= 100; tax_paid >= 50")
    with pytest.raises(ValidationError) as error:
        actions.do_receive_one_click(policy, own_profile, by=enterprise_user)
    assert "Employees ≥ 100" in error.value.messages[0] and "Tax paid last year ≥ 50万" in error.value.messages[0]
    assert not Grant.objects.exists()
    Policy.objects.filter(pk=policy.pk).update(granted_total=0)


def test_a_policy_past_its_validity_matches_no_one_and_grants_nothing(
    enterprise_user, own_profile, make_policy, make_profile, clock
):
    make_policy("employees >= 10", mode="automatic", valid_to=dt.date(2026, 6, 30))
    other = make_profile(employees=30)
    matching.run(full=True)
    assert set(PolicyMatch.objects.filter(active=True).values_list("profile_id", flat=True)) == {
        own_profile.pk,
        other.pk,
    }
    clock.set(dt.date(2026, 7, 1))
    matching.run()
    assert not PolicyMatch.objects.filter(active=True).exists()
    assert matching.for_enterprise(own_profile, dt.date(2026, 7, 1))["matched"] == []
    one_click = make_policy("", valid_to=dt.date(2026, 6, 30))
    with pytest.raises(PermissionDenied, match="expired on 2026-06-30"):
        actions.do_receive_one_click(one_click, own_profile, by=enterprise_user)


def test_the_department_confirms_the_list_and_each_enterprise_is_granted_without_applying(
    enterprise_user, own_profile, make_policy, make_profile, enterprise_officer
):
    policy = make_policy(
        "rd_spend >= 100",
        mode="automatic",
        benefit_kind="share",
        benefit_rate=Decimal("10"),
        benefit_fact="rd_spend",
        benefit_amount=None,
        benefit_cap=Decimal("25"),
        budget=Decimal("50"),
    )
    big = make_profile("大研发企业", rd_spend=Decimal("900"))
    small = make_profile("小研发企业", rd_spend=Decimal("120"))
    make_profile("不符合企业", rd_spend=Decimal("20"))
    matching.run(full=True)
    assert PolicyMatch.objects.filter(policy=policy, active=True).count() == 3
    done = actions.do_confirm_list(policy, by=enterprise_officer)
    grants = {g.enterprise_name: g for g in Grant.objects.filter(policy=policy)}
    # The list is granted in name order until the budget of 50万 runs out.
    assert grants["大研发企业"].amount == Decimal("25")  # 10% of 900 = 90, capped at 25
    assert grants["小研发企业"].amount == Decimal("12")
    assert grants["大研发企业"].formula.endswith("≤ 25万")
    assert own_profile.name not in grants
    assert [s["name"] for s in done.skipped] == [own_profile.name]
    assert "budget or quota is used up" in done.skipped[0]["reason"]
    policy.refresh_from_db()
    assert policy.granted_total == Decimal("37") and done.granted == 2
    assert {g.via for g in grants.values()} == {Via.AUTOMATIC}
    # Confirming again grants nobody twice.
    again = actions.do_confirm_list(policy, by=enterprise_officer)
    assert again.granted == 0 and Grant.objects.filter(policy=policy).count() == 2
    assert big.pk and small.pk


def test_only_the_granting_department_confirms_its_list(make_policy, make_staff):
    policy = make_policy("", mode="automatic")
    outsider = make_staff("enterprise_service", "other_eso", department="ZWFW")
    with pytest.raises(PermissionDenied, match="Only 宽城区市场监督管理局 grants this policy"):
        actions.do_confirm_list(policy, by=outsider)


def test_taking_enterprises_off_the_list_needs_a_reason(make_policy, make_profile, enterprise_officer):
    policy = make_policy("", mode="automatic")
    one = make_profile("甲企业")
    matching.run(full=True)
    with pytest.raises(ValidationError, match="Say why"):
        actions.do_confirm_list(policy, by=enterprise_officer, exclude=[one.pk])
    done = actions.do_confirm_list(policy, by=enterprise_officer, exclude=[one.pk], reason="存在失信记录，暂缓兑现")
    assert done.granted == 0 and done.skipped[0]["reason"] == "存在失信记录，暂缓兑现"


def test_enterprises_are_told_of_new_matches_once(enterprise_user, own_profile, make_policy):
    make_policy("industry in C37", title="轨道交通装备企业奖励")
    make_policy("employees >= 10", title="稳岗补贴")
    matching.run(full=True)
    told = Notification.objects.filter(recipient=enterprise_user, subject__startswith="Policies you qualify for")
    assert told.filter(channel="app").count() == 1
    assert "轨道交通装备企业奖励" in told.first().body and "稳岗补贴" in told.first().body
    matching.run(full=True)
    assert told.filter(channel="app").count() == 1


@pytest.mark.parametrize("limit", [2000, 0], ids=["checked in Python", "checked by SQL"])
def test_the_next_pass_looks_only_at_what_changed(own_profile, make_policy, make_profile, clock, monkeypatch, limit):
    monkeypatch.setattr(matching, "PYTHON_PASS_LIMIT", limit)
    policy = make_policy("employees >= 100")
    matching.run(full=True)
    assert not PolicyMatch.objects.exists()
    clock.set(dt.datetime(2026, 6, 15, 11, 0))
    own_profile.employees = 150
    own_profile.save()
    matching.run()
    assert PolicyMatch.objects.get().profile_id == own_profile.pk
    clock.set(dt.datetime(2026, 6, 15, 12, 0))
    own_profile.employees = 50
    own_profile.save()
    matching.run()
    match = PolicyMatch.objects.get()
    assert not match.active and match.lapsed_at is not None
    clock.set(dt.datetime(2026, 6, 15, 13, 0))
    own_profile.employees = 120
    own_profile.save()
    other = make_profile(employees=300)
    matching.run()
    assert set(PolicyMatch.objects.filter(active=True).values_list("profile_id", flat=True)) == {
        own_profile.pk,
        other.pk,
    }
    # A policy published (or changed) since the last pass is matched against everyone.
    clock.set(dt.datetime(2026, 6, 15, 14, 0))
    later = make_policy("employees >= 200", title="大型用工奖励")
    matching.run()
    assert list(PolicyMatch.objects.filter(policy=later).values_list("profile_id", flat=True)) == [other.pk]
    assert policy.pk


# Races (PostgreSQL: SQLite serialises writers, so nothing races there) ----------------------

needs_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="a real race needs PostgreSQL")


def _race(n: int, act) -> list[object]:
    barrier = threading.Barrier(n)
    results: list[object] = [None] * n

    def run(i: int) -> None:
        try:
            barrier.wait()
            results[i] = act(i)
        except Exception as error:  # noqa: BLE001 — the outcome is what the test reads
            results[i] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_a_grant_raced_twice_is_granted_once(enterprise_user, own_profile, make_policy):
    policy = make_policy("")
    results = _race(
        4, lambda i: actions.do_receive_one_click(Policy.objects.get(pk=policy.pk), own_profile, by=enterprise_user)
    )
    assert sum(isinstance(r, Grant) for r in results) == 1
    assert all(isinstance(r, Conflict) for r in results if not isinstance(r, Grant))
    policy.refresh_from_db()
    assert Grant.objects.count() == 1 and policy.grant_count == 1 and policy.granted_total == Decimal("10")


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_the_budget_holds_under_concurrent_grants(make_policy, make_profile, make_staff):
    from django.contrib.auth.models import Group

    from dgov.accounts.models import User

    policy = make_policy("", budget=Decimal("30"), benefit_amount=Decimal("10"))
    people = []
    for i in range(8):
        profile = make_profile(f"并发企业{i}")
        user = User.objects.create(username=f"ent{i}", kind=User.Kind.ENTERPRISE)
        profile.applicant.user = user
        profile.applicant.save()
        people.append((profile, user))
    assert Group.objects.exists()
    results = _race(
        8, lambda i: actions.do_receive_one_click(Policy.objects.get(pk=policy.pk), people[i][0], by=people[i][1])
    )
    assert sum(isinstance(r, Grant) for r in results) == 3
    assert sum(isinstance(r, Conflict) for r in results) == 5
    policy.refresh_from_db()
    assert policy.granted_total == Decimal("30") and Grant.objects.count() == 3
