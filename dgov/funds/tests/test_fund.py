import contextlib
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, connections
from django.urls import reverse

from dgov.audit.models import AuditEntry
from dgov.funds import actions, reports
from dgov.funds.models import Approval, Commitment, CommitmentStatus, Fund, FundApprover, Tranche, TrancheStatus
from dgov.investment.actions import do_review_gate
from dgov.investment.models import Gate, Industry, Orientation, Project, Stage
from dgov.lib.conflicts import Conflict

pytestmark = pytest.mark.django_db


@pytest.fixture
def industry(district):
    return Industry.objects.create(
        district=district, code="C37", name="轨道交通装备制造", orientation=Orientation.ENCOURAGED, chain="轨道交通装备"
    )


@pytest.fixture
def approvers(make_staff, leader):
    finance = make_staff("unit_head", "czj_head", department="ZWFW")
    return [leader, finance]


@pytest.fixture
def fund(district, industry, fund_manager, approvers):
    fund = Fund.objects.create(
        district=district,
        name="宽城区产业引导基金",
        size=Decimal("10000"),
        share_max=Decimal("20"),
        cap_per_project=Decimal("3000"),
        approvals_needed=2,
        created_by=fund_manager,
    )
    fund.industries.add(industry)
    FundApprover.objects.create(fund=fund, user=approvers[0], title="区长")
    FundApprover.objects.create(fund=fund, user=approvers[1], title="财政局局长")
    return fund


def make_project(district, industry, name="南京康尼门系统", **facts):
    values = {
        "investor": "南京康尼机电股份有限公司",
        "industry": industry,
        "fixed_asset_investment": Decimal(8000),
        "expected_tax": Decimal(800),
        "land_mu": Decimal(40),
        "stage": Stage.LETTER_OF_INTENT,
    }
    values.update(facts)
    return Project.objects.create(district=district, name=name, **values)


def pass_gates(project, reviewer):
    for gate in Gate:
        do_review_gate(project, gate, passed=True, by=reviewer, reference="宽发改能审〔2026〕8号")


@pytest.fixture
def project(district, industry, leader):
    project = make_project(district, industry)
    pass_gates(project, leader)
    return project


def approve(subject, approvers):
    return [actions.do_decide(subject, approve=True, by=a) for a in approvers][-1]


def test_a_project_gets_no_commitment_before_it_passes_the_three_gates(district, industry, fund, fund_manager, leader):
    project = make_project(district, industry, name="未过关项目")
    with pytest.raises(PermissionDenied) as error:
        actions.do_propose_commitment(fund, project, amount=Decimal("1000"), share=Decimal("10"), by=fund_manager)
    assert "Industry orientation, Admission thresholds, Energy and emission review" in str(error.value)
    do_review_gate(project, Gate.INDUSTRY, passed=True, by=leader)
    with pytest.raises(PermissionDenied, match="Admission thresholds, Energy and emission review"):
        actions.do_propose_commitment(fund, project, amount=Decimal("1000"), share=Decimal("10"), by=fund_manager)
    assert not Commitment.objects.exists()


def test_a_commitment_follows_the_funds_rules(fund, project, fund_manager):
    with pytest.raises(ValidationError) as error:
        actions.do_propose_commitment(fund, project, amount=Decimal("3500"), share=Decimal("25"), by=fund_manager)
    assert error.value.messages == [
        "The fund commits at most 3000 × 10,000 yuan to one project.",
        "The fund's share is above 0 and at most 20%.",
    ]


def test_approvals_by_the_named_people_commit_the_fund(fund, project, fund_manager, approvers, make_staff):
    commitment = actions.do_propose_commitment(
        fund, project, amount=Decimal("3000"), share=Decimal("15"), conditions="按项目进度分期到位", by=fund_manager
    )
    stranger = make_staff("district_leader", "other_leader", department=None)
    with pytest.raises(PermissionDenied, match="Only the approvers the fund's rules name"):
        actions.do_decide(commitment, approve=True, by=stranger)
    assert actions.do_decide(commitment, approve=True, by=approvers[0]) == "proposed"
    with pytest.raises(Conflict, match="You have given your decision"):
        actions.do_decide(commitment, approve=True, by=approvers[0])
    assert actions.do_decide(commitment, approve=True, by=approvers[1]) == "approved"
    fund.refresh_from_db()
    assert fund.reserved == Decimal("3000") and fund.available == Decimal("7000")
    assert AuditEntry.objects.filter(verb="funds.commitment.decide").count() == 2


def test_the_fund_never_commits_more_than_it_holds(district, industry, fund, fund_manager, approvers, leader):
    first = make_project(district, industry, name="项目一")
    second = make_project(district, industry, name="项目二")
    for p in (first, second):
        pass_gates(p, leader)
    Fund.objects.filter(pk=fund.pk).update(size=Decimal("5000"))
    fund.refresh_from_db()
    a = actions.do_propose_commitment(fund, first, amount=Decimal("3000"), share=Decimal("10"), by=fund_manager)
    b = actions.do_propose_commitment(fund, second, amount=Decimal("3000"), share=Decimal("10"), by=fund_manager)
    approve(a, approvers)
    actions.do_decide(b, approve=True, by=approvers[0])
    with pytest.raises(Conflict, match="holds only 2000 × 10,000 yuan"):
        actions.do_decide(b, approve=True, by=approvers[1])
    b.refresh_from_db()
    fund.refresh_from_db()
    assert b.status == CommitmentStatus.PROPOSED and fund.reserved == Decimal("3000")


def test_tranches_never_exceed_the_commitment_and_wait_for_their_milestone(fund, project, fund_manager, approvers):
    commitment = actions.do_propose_commitment(
        fund, project, amount=Decimal("3000"), share=Decimal("15"), by=fund_manager
    )
    approve(commitment, approvers)
    commitment.refresh_from_db()
    first = actions.do_plan_tranche(commitment, amount=Decimal("1000"), milestone=Stage.SIGNED, by=fund_manager)
    actions.do_plan_tranche(commitment, amount=Decimal("2000"), milestone=Stage.CONSTRUCTION, by=fund_manager)
    with pytest.raises(
        ValidationError, match="Tranches would total 3500 × 10,000 yuan, more than the commitment of 3000 × 10,000 yuan"
    ):
        actions.do_plan_tranche(commitment, amount=Decimal("500"), milestone=Stage.OPERATION, by=fund_manager)
    approve(first, approvers)
    first.refresh_from_db()
    with pytest.raises(PermissionDenied, match="has not reached Signed"):
        actions.do_pay_tranche(first, by=fund_manager)
    Project.objects.filter(pk=project.pk).update(stage=Stage.SIGNED)
    first = Tranche.objects.select_related("commitment__project", "commitment__fund").get(pk=first.pk)
    actions.do_pay_tranche(first, by=fund_manager)
    fund.refresh_from_db()
    commitment.refresh_from_db()
    assert (fund.paid_out, fund.reserved, commitment.paid) == (Decimal("1000"), Decimal("2000"), Decimal("1000"))
    with pytest.raises(Conflict, match="This tranche is Paid"):
        actions.do_pay_tranche(Tranche.objects.get(pk=first.pk), by=fund_manager)


def test_each_way_out_has_its_rule(fund, project, fund_manager, approvers):
    commitment = actions.do_propose_commitment(
        fund, project, amount=Decimal("2000"), share=Decimal("10"), by=fund_manager
    )
    approve(commitment, approvers)
    commitment.refresh_from_db()
    tranche = actions.do_plan_tranche(
        commitment, amount=Decimal("800"), milestone=Stage.LETTER_OF_INTENT, by=fund_manager
    )
    approve(tranche, approvers)
    actions.do_pay_tranche(Tranche.objects.get(pk=tranche.pk), by=fund_manager)
    commitment.refresh_from_db()
    with pytest.raises(ValidationError, match="at least what the fund paid in \\(800 × 10,000 yuan\\)"):
        actions.do_propose_exit(
            commitment, kind="buy_back", proceeds=Decimal("700"), reason="企业回购", by=fund_manager
        )
    with pytest.raises(ValidationError, match="names the investor and the appraisal"):
        actions.do_propose_exit(commitment, kind="transfer", proceeds=Decimal("900"), reason="转让", by=fund_manager)
    with pytest.raises(ValidationError, match="Only a lost project is written off"):
        actions.do_propose_exit(commitment, kind="write_off", proceeds=Decimal("0"), reason="亏损", by=fund_manager)
    exit_ = actions.do_propose_exit(
        commitment, kind="buy_back", proceeds=Decimal("880"), reason="按协议回购", by=fund_manager
    )
    approve(exit_, approvers)
    fund.refresh_from_db()
    commitment.refresh_from_db()
    assert commitment.status == CommitmentStatus.EXITED
    # 2000 committed, 800 paid: the 1200 still reserved is free again; 880 came back.
    assert (fund.reserved, fund.paid_out, fund.proceeds) == (Decimal("0"), Decimal("800"), Decimal("880"))
    assert fund.available == Decimal("10080")
    position = reports.position(fund)
    assert (position.live, position.exited, position.available) == (0, 1, Decimal("10080"))


def test_a_rejection_rejects_and_gives_the_tranche_room_back(fund, project, fund_manager, approvers):
    commitment = actions.do_propose_commitment(
        fund, project, amount=Decimal("2000"), share=Decimal("10"), by=fund_manager
    )
    approve(commitment, approvers)
    commitment.refresh_from_db()
    tranche = actions.do_plan_tranche(commitment, amount=Decimal("2000"), milestone=Stage.SIGNED, by=fund_manager)
    with pytest.raises(ValidationError, match="states its reason"):
        actions.do_decide(tranche, approve=False, by=approvers[0])
    assert actions.do_decide(tranche, approve=False, note="里程碑未核实", by=approvers[0]) == "rejected"
    commitment.refresh_from_db()
    assert commitment.tranched == Decimal("0")
    assert Tranche.objects.get(pk=tranche.pk).status == TrancheStatus.REJECTED


def test_the_leader_sees_the_fund_and_each_project(client, fund, project, fund_manager, approvers, leader):
    commitment = actions.do_propose_commitment(
        fund, project, amount=Decimal("1500"), share=Decimal("12"), by=fund_manager
    )
    approve(commitment, approvers)
    client.force_login(leader)
    page = client.get(reverse("funds:fund", args=[fund.pk])).content.decode()
    assert 'data-figure="available"><strong>8500.00万' in page
    assert 'data-commitment="南京康尼门系统"' in page
    assert client.get(reverse("funds:index")).status_code == 200


def test_a_tranche_beyond_the_commitment_is_a_400_on_the_page(client, fund, project, fund_manager, approvers):
    commitment = actions.do_propose_commitment(
        fund, project, amount=Decimal("1500"), share=Decimal("12"), by=fund_manager
    )
    approve(commitment, approvers)
    client.force_login(fund_manager)
    response = client.post(
        reverse("funds:commitment_act", args=[commitment.pk, "tranche"]), {"amount": "1600", "milestone": "signed"}
    )
    assert response.status_code == 400
    assert "more than the commitment of 1500 × 10,000 yuan" in response.content.decode()
    assert not Tranche.objects.exists()


def test_the_enterprise_and_other_staff_do_not_see_the_fund(client, fund, enterprise_user, clerk):
    for person in (enterprise_user, clerk):
        client.force_login(person)
        assert client.get(reverse("funds:fund", args=[fund.pk])).status_code == 403


needs_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="a real race needs PostgreSQL")


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_two_tranches_planned_at_once_never_exceed_the_commitment(fund, project, fund_manager, approvers):
    commitment = actions.do_propose_commitment(
        fund, project, amount=Decimal("1000"), share=Decimal("10"), by=fund_manager
    )
    approve(commitment, approvers)
    barrier = threading.Barrier(4)
    outcomes: list[object] = []

    def plan() -> None:
        try:
            barrier.wait()
            c = Commitment.objects.select_related("fund").get(pk=commitment.pk)
            outcomes.append(actions.do_plan_tranche(c, amount=Decimal("400"), milestone=Stage.SIGNED, by=fund_manager))
        except ValidationError as error:
            outcomes.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=plan) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(isinstance(o, Tranche) for o in outcomes) == 2
    commitment.refresh_from_db()
    assert commitment.tranched == Decimal("800")


def _at_once(acts) -> list[object]:
    barrier = threading.Barrier(len(acts))
    outcomes: list[object] = [None] * len(acts)

    def run(i: int) -> None:
        try:
            barrier.wait()
            outcomes[i] = acts[i]()
        except (Conflict, ValidationError, PermissionDenied) as error:
            outcomes[i] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(acts))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_the_last_two_approvals_given_at_once_commit_the_fund_once(fund, project, fund_manager, approvers, monkeypatch):
    commitment = actions.do_propose_commitment(
        fund, project, amount=Decimal("1000"), share=Decimal("10"), by=fund_manager
    )
    # Widen the window: each decision, once written, waits (up to a second) for the other
    # to be written too, so that without the row lock both would count only themselves.
    written = threading.Barrier(2)
    create = Approval.objects.create

    def create_then_wait(**fields):
        approval = create(**fields)
        # With the lock the other decision waits on the row: the barrier breaks after a second.
        with contextlib.suppress(threading.BrokenBarrierError):
            written.wait(timeout=1)
        return approval

    monkeypatch.setattr(Approval.objects, "create", create_then_wait)
    outcomes = _at_once(
        [lambda a=a: actions.do_decide(Commitment.objects.get(pk=commitment.pk), approve=True, by=a) for a in approvers]
    )
    assert sorted(outcomes) == ["approved", "proposed"]
    commitment.refresh_from_db()
    fund.refresh_from_db()
    assert commitment.status == CommitmentStatus.APPROVED and fund.reserved == Decimal("1000")


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_two_commitments_approved_at_once_never_overdraw_the_fund(district, industry, fund, fund_manager, approvers):
    Fund.objects.filter(pk=fund.pk).update(size=Decimal("5000"))
    fund.refresh_from_db()
    proposed = []
    for name in ("项目一", "项目二"):
        p = make_project(district, industry, name=name)
        pass_gates(p, approvers[0])
        c = actions.do_propose_commitment(fund, p, amount=Decimal("3000"), share=Decimal("10"), by=fund_manager)
        actions.do_decide(c, approve=True, by=approvers[0])
        proposed.append(c)
    outcomes = _at_once(
        [
            lambda c=c: actions.do_decide(Commitment.objects.get(pk=c.pk), approve=True, by=approvers[1])
            for c in proposed
        ]
    )
    assert sum(o == "approved" for o in outcomes) == 1
    assert sum(isinstance(o, Conflict) for o in outcomes) == 1
    fund.refresh_from_db()
    assert fund.reserved == Decimal("3000")
    assert Commitment.objects.filter(status=CommitmentStatus.APPROVED).count() == 1


def test_on_the_commitment_page_every_person_sees_exactly_what_they_may_do(
    client, fund, project, fund_manager, approvers, every_role, enterprise_user
):
    from dgov.lib.testing import walk_pages

    commitment = actions.do_propose_commitment(
        fund, project, amount=Decimal("2000"), share=Decimal("10"), by=fund_manager
    )
    people = [fund_manager, *approvers, enterprise_user, *every_role.values()]
    seen: list[tuple[str, str, str]] = []
    problems = []

    def walk(tranche=None):
        act = reverse("funds:commitment_act", args=[commitment.pk, "x"])[: -len("x/")]
        verbs = {
            "decide": (act + "decide/", {"approve": "1", "note": ""}),
            "tranche": (act + "tranche/", {"amount": "500", "milestone": Stage.SIGNED}),
            "exit": (act + "exit/", {"kind": "buy_back", "proceeds": "2000", "reason": "企业回购"}),
        }
        if tranche is not None:
            verbs["pay"] = (reverse("funds:tranche_act", args=[tranche.pk, "pay"]), {})
        page = reverse("funds:commitment", args=[commitment.pk])
        return [p for person in people for p in walk_pages(client, person, page, verbs, seen=seen)]

    problems += walk()  # proposed
    approve(commitment, approvers)
    tranche = actions.do_plan_tranche(
        Commitment.objects.get(pk=commitment.pk), amount=Decimal("500"), milestone=Stage.SIGNED, by=fund_manager
    )
    approve(tranche, approvers)
    problems += walk(tranche)  # committed; its tranche waits for the signing
    assert problems == []
    assert {(a.username, "decide", "enabled") for a in approvers} <= set(seen)
    assert ("fundmanager", "tranche", "disabled") in seen and ("fundmanager", "tranche", "enabled") in seen
    assert ("fundmanager", "pay", "disabled") in seen and ("fundmanager", "exit", "enabled") in seen


def test_a_decision_is_confirmed_with_the_status_in_words(client, fund, project, fund_manager, approvers):
    commitment = actions.do_propose_commitment(
        fund, project, amount=Decimal("2000"), share=Decimal("10"), by=fund_manager
    )
    client.force_login(approvers[0])
    act = reverse("funds:commitment_act", args=[commitment.pk, "decide"])
    page = client.post(act, {"approve": "1", "note": ""}, follow=True, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Your decision is recorded (Awaiting approval)." in page and "(proposed)" not in page
