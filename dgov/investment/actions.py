"""Every change to a project, an agent, a claim or a parcel: one function, one transaction,
with its log row and its audit entry written together.

Who may act: each ``do_*`` enforces its predicate of ``rules`` first (403 with the
reason, e.g. signing before the admission gates are passed; 409 when it was done already).

Concurrency: stage moves are a conditional UPDATE (``WHERE stage = <the stage seen>``), so
of two people moving the same project at once one wins and the other gets
``Conflict``; an allocation is a conditional UPDATE of the parcel's allocated area
(``WHERE allocated + area <= total``), so two allocations can never exceed the free area.
"""

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from dgov.accounts.models import User
from dgov.audit.trail import diff, record
from dgov.investment import rules
from dgov.investment.models import (
    BEFORE_SIGNING,
    PIPELINE,
    PROJECT_FACTS,
    ZERO,
    Activity,
    Agent,
    AgentClaim,
    AgentPayment,
    Allocation,
    EnergyClass,
    Gate,
    GateReview,
    IncentiveInstalment,
    IncentiveRule,
    IncentiveTier,
    InvestmentPolicy,
    OccupantReport,
    OwnerChange,
    Parcel,
    Park,
    Project,
    ResidentOffice,
    Stage,
    StageChange,
    StagePolicy,
    TargetCompany,
    WaitingEntry,
    entitlement,
    gate_facts,
    plain,
)
from dgov.lib import clock
from dgov.lib.conflicts import Conflict
from dgov.lib.rules import enforce


def already_handled(obj: Any) -> Conflict:
    """Somebody else changed the record first."""
    return Conflict(
        _("%(name)s was changed by someone else a moment ago; reload and try again.") % {"name": obj}, obj=obj
    )


def _snapshot(project: Project) -> dict[str, Any]:
    return {name: getattr(project, f"{name}_id" if name in ("office", "industry") else name) for name in PROJECT_FACTS}


def refresh_score(project: Project, policy: InvestmentPolicy | None = None) -> None:
    policy = policy or InvestmentPolicy.for_district(project.district_id)
    project.selection_score = project.selection(policy).total


def do_update_target(target: TargetCompany, *, status: str, project: Project | None, by: User) -> TargetCompany:
    """Record what became of a target company (visited, became a project, dropped)."""
    enforce(rules.may_update_target(by, target.office))
    if status not in TargetCompany.Status.values:
        raise ValidationError(_("Choose one of the statuses."), code="status")
    if status == TargetCompany.Status.LANDED and project is None:
        raise ValidationError(_("Name the project the company became."), code="project")
    if project is not None and (status != TargetCompany.Status.LANDED or project.district_id != by.district_id):
        raise ValidationError(_("Only a company that became a project is linked to one."), code="project")
    with transaction.atomic():
        locked = TargetCompany.objects.select_for_update().select_related("office").get(pk=target.pk)
        before = {"status": locked.status, "project": locked.project_id}
        locked.status, locked.project = status, project
        locked.save(update_fields=["status", "project"])
        record(
            "investment.target_update",
            locked.office,
            actor=by,
            changes={"target": locked.name} | diff(before, {"status": status, "project": locked.project_id}),
        )
    return locked


def do_add_target(office: ResidentOffice, *, data: Mapping[str, Any], by: User) -> TargetCompany:
    """Put a company on a resident office's target list (once)."""
    enforce(rules.may_update_target(by, office))
    if office.targets.filter(name=data["name"]).exists():
        raise ValidationError({"name": _("This company is already on the list.")})
    with transaction.atomic():
        target = TargetCompany.objects.create(office=office, **data)
        record("investment.target_add", office, actor=by, changes={"name": target.name})
    return target


def do_set_office_staff(office: ResidentOffice, *, staff: Iterable[User], by: User) -> None:
    """Who works at a resident office."""
    enforce(rules.may_update_target(by, office))
    with transaction.atomic():
        before = sorted(u.pk for u in office.staff.all())
        office.staff.set(staff)
        after = sorted(u.pk for u in staff)
        record("investment.office_staff", office, actor=by, changes={"staff": [before, after]})


def do_save_policy(
    district: Any, *, policy: InvestmentPolicy, stages: Iterable[StagePolicy], changes: Mapping[str, Any], by: User
) -> InvestmentPolicy:
    """Save the district's investment policy and its stage settings, and score the open
    projects again under it; ``changes`` are the stage settings' changes for the audit."""
    enforce(rules.may_set_policy(by, district))
    with transaction.atomic():
        before = _fields(InvestmentPolicy.for_district(district.pk))
        policy.district = district
        policy.save()
        for stage in stages:
            stage.save()
        refresh_scores(district.pk, policy)
        record("investment.policy_change", policy, actor=by, changes=diff(before, _fields(policy)) | dict(changes))
    return policy


def _fields(policy: InvestmentPolicy) -> dict[str, str]:
    return {k: str(v) for k, v in vars(policy).items() if not k.startswith("_")}


def refresh_scores(district_id: int, policy: InvestmentPolicy) -> int:
    """Score the district's open projects again under ``policy`` (the waiting lists are
    ordered by the stored score); call it in the transaction that saves the policy.
    Returns how many scores changed."""
    changed = []
    for project in Project.objects.filter(district_id=district_id).open().select_related("industry"):
        score = project.selection(policy).total
        if score != project.selection_score:
            project.selection_score = score
            changed.append(project)
    Project.objects.bulk_update(changed, ["selection_score"], batch_size=500)
    return len(changed)


# Creating and editing ----------------------------------------------------------------


def do_create_project(district: Any, data: Mapping[str, Any], *, by: User, stage: Stage = Stage.LEAD) -> Project:
    """A new lead (or a project imported at a stage before signing)."""
    enforce(rules.may_create_project(by, district))
    if stage not in BEFORE_SIGNING:
        raise ValidationError(_("A new project starts before signing; signing needs the admission gates."))
    name = str(data.get("name", ""))
    if Project.objects.filter(district=district, name=name).exists():
        raise ValidationError(_("A project named %(name)s already exists.") % {"name": name}, code="duplicate")
    try:
        return _create_project(district, data, by=by, stage=stage)
    except IntegrityError:  # the same name arrived twice at once
        raise ValidationError(
            _("A project named %(name)s already exists.") % {"name": name}, code="duplicate"
        ) from None


def _create_project(district: Any, data: Mapping[str, Any], *, by: User, stage: Stage) -> Project:
    now = clock.now()
    with transaction.atomic():
        project = Project(district=district, stage=stage, created_by=by, owner=data.get("owner") or by)
        for name in PROJECT_FACTS:
            if name in data:
                setattr(project, name, data[name])
        project.stage_entered_at = project.last_activity_at = now
        project.stage_entered_on = clock.today()
        refresh_score(project)
        project.save()
        StageChange.objects.create(project=project, district=district, at=now, by=by, to_stage=stage)
        record("investment.project_create", project, actor=by, changes=diff({}, _snapshot(project)))
    return project


def do_update_project(project: Project, data: Mapping[str, Any], *, by: User) -> Project:
    enforce(rules.may_manage(by, project))
    before = _snapshot(project)
    try:
        with transaction.atomic():
            if (
                before.get("is_key")
                and "is_key" in data
                and not data["is_key"]
                and Project.objects.filter(pk=project.pk, secretaryship__isnull=False).exists()
            ):
                raise ValidationError(
                    _(
                        "This key project has a project secretary; it stays on the key-project list while "
                        "the secretaryship exists."
                    ),
                    code="secretaryship",
                )
            for name in PROJECT_FACTS:
                if name in data:
                    setattr(project, name, data[name])
            refresh_score(project)
            project.last_activity_at = clock.now()
            project.save()
            record("investment.project_update", project, actor=by, changes=diff(before, _snapshot(project)))
    except IntegrityError:
        raise ValidationError(
            _("A project named %(name)s already exists.") % {"name": project.name}, code="duplicate"
        ) from None
    return project


# Admission gates --------------------------------------------------------------------


def do_review_gate(
    project: Project, gate: Gate, *, passed: bool, by: User, reference: str = "", note: str = ""
) -> GateReview:
    """Record one gate's review. A pass is refused when the facts fail the rule, and an
    energy review above the exemption needs the approving document's reference."""
    enforce(rules.may_review_gate(by, project))
    if passed:
        ok, why = rules.gate_checks(project)[gate]
        if not ok:
            raise ValidationError(_("This gate cannot be passed: %(why)s") % {"why": why})
        if gate == Gate.ENERGY and not reference:
            policy = InvestmentPolicy.for_district(project.district_id)
            if policy.energy_class(Decimal(project.energy_tce), Decimal(project.electricity_kwh)) != EnergyClass.EXEMPT:
                raise ValidationError(_("Give the reference of the energy review's approval."))
    now = clock.now()
    with transaction.atomic():
        review = GateReview.objects.create(
            project=project,
            gate=gate,
            passed=passed,
            reviewer=by,
            at=now,
            reference=reference,
            note=note,
            facts=gate_facts(project, gate),
        )
        Project.objects.filter(pk=project.pk).update(last_activity_at=now)
        record(
            "investment.gate_review",
            project,
            actor=by,
            changes={"gate": gate.value, "passed": passed, "reference": reference, "note": note},
        )
    return review


# The pipeline -----------------------------------------------------------------------


def _move(project: Project, *, to: Stage, by: User, verb: str, note: str = "", **fields: Any) -> None:
    now = clock.now()
    before = project.stage
    entered = project.stage_entered_at
    changed = Project.objects.filter(pk=project.pk, stage=before).update(
        stage=to,
        stage_entered_at=now,
        stage_entered_on=clock.today(),
        last_activity_at=now,
        updated_at=now,
        **fields,
    )
    if changed != 1:
        raise already_handled(project)
    project.stage, project.stage_entered_at, project.last_activity_at = to, now, now
    project.stage_entered_on = clock.today()
    for name, value in fields.items():
        setattr(project, name, value)
    StageChange.objects.create(
        project=project,
        district_id=project.district_id,
        at=now,
        by=by,
        from_stage=before,
        to_stage=to,
        days_in_from=(now - entered).days if entered else None,
        note=note,
    )
    record(
        f"investment.{verb}",
        project,
        actor=by,
        changes={"stage": [before, str(to)], **({"note": note} if note else {})},
    )


def do_advance(project: Project, *, by: User, note: str = "") -> None:
    """Move to the next stage. Signing (意向性协议 → 签约) is refused until every admission
    gate has been passed and recorded by its reviewer (``rules.may_advance``)."""
    enforce(rules.may_advance(by, project))
    to = project.next_stage
    assert to is not None  # may_advance: there is a next stage
    fields: dict[str, Any] = {}
    if to == Stage.SIGNED and project.signed_at is None:
        fields["signed_at"] = clock.now()
    with transaction.atomic():
        _move(project, to=to, by=by, verb="advance", note=note, **fields)


def do_lose(project: Project, *, by: User, reason: str) -> None:
    enforce(rules.may_lose(by, project))
    if not reason.strip():
        raise ValidationError(_("Give the reason the project was lost."))
    with transaction.atomic():
        _move(project, to=Stage.LOST, by=by, verb="lose", note=reason, lost_from=project.stage, lost_reason=reason)


def do_restore(project: Project, *, by: User, note: str = "") -> None:
    """Bring a lost project back to the stage it left."""
    enforce(rules.may_restore(by, project))
    with transaction.atomic():
        _move(project, to=Stage(project.lost_from), by=by, verb="restore", note=note, lost_from="", lost_reason="")


def do_set_probability(project: Project, probability: int | None, *, by: User) -> None:
    """A probability typed by hand (kept across stage changes), or None to go back to the
    stage's default."""
    enforce(rules.may_manage(by, project))
    if probability is not None and not 0 <= probability <= 100:
        raise ValidationError(_("A probability is a percentage from 0 to 100."))
    with transaction.atomic():
        before = project.probability
        Project.objects.filter(pk=project.pk).update(probability=probability, last_activity_at=clock.now())
        project.probability = probability
        record("investment.set_probability", project, actor=by, changes={"probability": [before, probability]})


def do_transfer(project: Project, *, to: User, by: User, reason: str) -> OwnerChange:
    """Hand the project to another owner; its log, contacts and issues stay with it."""
    enforce(rules.may_manage(by, project))
    if to.district_id != project.district_id or to.kind != "staff":
        raise ValidationError(_("The new owner must be a staff member of the district."))
    if to.pk == project.owner_id:
        raise ValidationError(_("The project already belongs to %(name)s.") % {"name": to})
    now = clock.now()
    with transaction.atomic():
        before = project.owner_id
        changed = Project.objects.filter(pk=project.pk, owner_id=before).update(
            owner=to, last_activity_at=now, updated_at=now
        )
        if changed != 1:
            raise already_handled(project)
        change = OwnerChange.objects.create(
            project=project, at=now, by=by, from_owner_id=before, to_owner=to, reason=reason
        )
        project.owner = to
        record("investment.transfer", project, actor=by, changes={"owner": [before, to.pk], "reason": reason})
    return change


def do_pause(project: Project, *, until: dt.date, reason: str, by: User) -> None:
    enforce(rules.may_pause(by, project, clock.today()))
    if until <= clock.today():
        raise ValidationError(_("The resume date must be in the future."))
    with transaction.atomic():
        Project.objects.filter(pk=project.pk).update(paused_until=until, pause_reason=reason)
        project.paused_until, project.pause_reason = until, reason
        record("investment.pause", project, actor=by, changes={"paused_until": str(until), "reason": reason})


def do_resume(project: Project, *, by: User) -> None:
    enforce(rules.may_resume(by, project, clock.today()))
    now = clock.now()
    with transaction.atomic():
        Project.objects.filter(pk=project.pk).update(paused_until=None, pause_reason="", last_activity_at=now)
        project.paused_until, project.pause_reason, project.last_activity_at = None, "", now
        record("investment.resume", project, actor=by)


def do_note_activity(project: Project, *, text: str, by: User) -> Activity:
    enforce(rules.may_manage(by, project))
    now = clock.now()
    with transaction.atomic():
        activity = Activity.objects.create(project=project, at=now, by=by, text=text)
        Project.objects.filter(pk=project.pk).update(last_activity_at=now)
        project.last_activity_at = now
        record("investment.activity", project, actor=by, changes={"text": text})
    return activity


# Agents and incentives --------------------------------------------------------------


def do_register_agent(
    district: Any, *, name: str, phone: str = "", office: Any = None, user: User | None = None, by: User
) -> Agent:
    enforce(rules.may_register_agent(by, district))
    with transaction.atomic():
        agent = Agent.objects.create(
            district=district,
            name=name,
            phone=phone,
            office=office,
            user=user,
            registered_at=clock.now(),
            registered_by=by,
        )
        record("investment.agent_register", agent, actor=by, changes={"name": name, "phone": phone})
    return agent


def do_set_incentive_rule(
    district: Any,
    *,
    name: str,
    floor_fixed_assets: Decimal,
    cap: Decimal,
    tiers: list[tuple[Decimal | None, Decimal]],
    instalments: list[tuple[str, int]],
    by: User,
) -> IncentiveRule:
    """Put a new rule in force for new claims; earlier claims keep the rule they were made under."""
    enforce(rules.may_set_policy(by, district))
    with transaction.atomic():
        IncentiveRule.objects.filter(district=district, active=True).update(active=False)
        rule = IncentiveRule.objects.create(
            district=district, name=name, floor_fixed_assets=floor_fixed_assets, cap=cap
        )
        IncentiveTier.objects.bulk_create(IncentiveTier(rule=rule, up_to=b, rate_permille=r) for b, r in tiers)
        IncentiveInstalment.objects.bulk_create(
            IncentiveInstalment(rule=rule, stage=stage, percent=share) for stage, share in instalments
        )
        record(
            "investment.incentive_rule",
            rule,
            actor=by,
            changes={
                "floor": str(floor_fixed_assets),
                "cap": str(cap),
                "tiers": [[str(b) if b is not None else None, str(r)] for b, r in tiers],
                "instalments": instalments,
            },
        )
    return rule


def current_rule(district_id: int) -> IncentiveRule | None:
    return IncentiveRule.objects.filter(district_id=district_id, active=True).order_by("-created_at").first()


def do_claim(agent: Agent, project: Project, *, by: User) -> AgentClaim:
    """Record that ``agent`` brought ``project``. Recorded now; whether it earns anything
    is the rule's business (a claim after signing earns nothing)."""
    enforce(rules.may_claim(by, project, agent))
    if agent.district_id != project.district_id:
        raise ValidationError(_("The agent and the project belong to different districts."))
    rule = current_rule(project.district_id)
    if rule is None:
        raise ValidationError(_("No incentive rule is in force; an administrator must set one first."))
    try:
        with transaction.atomic():
            claim = AgentClaim.objects.create(
                agent=agent, project=project, rule=rule, claimed_at=clock.now(), recorded_by=by
            )
            record("investment.agent_claim", project, actor=by, changes={"agent": agent.pk, "rule": rule.pk})
    except IntegrityError:
        raise Conflict(_("Another agent has already claimed this project.")) from None
    return claim


def do_verify_paid_in(project: Project, *, amount: Decimal, by: User) -> None:
    """Confirm the paid-in capital that incentives are computed on."""
    enforce(rules.may_verify_paid_in(by, project))
    if amount < 0:
        raise ValidationError(_("The amount cannot be negative."))
    now = clock.now()
    with transaction.atomic():
        before = project.paid_in_verified
        Project.objects.filter(pk=project.pk).update(
            paid_in_verified=amount, paid_in_verified_by=by, paid_in_verified_at=now, last_activity_at=now
        )
        project.paid_in_verified, project.paid_in_verified_by, project.paid_in_verified_at = amount, by, now
        record("investment.verify_paid_in", project, actor=by, changes={"paid_in_verified": [str(before), str(amount)]})


def do_pay_agent(claim: AgentClaim, *, amount: Decimal, paid_on: dt.date, by: User, note: str = "") -> AgentPayment:
    """Record a payment to the agent; never more than is owed (the claim row is locked so
    two payments at once cannot both pass the check)."""
    enforce(rules.may_pay_agent(by, claim.project))
    if amount <= 0:
        raise ValidationError(_("The amount must be positive."))
    with transaction.atomic():
        locked = (
            AgentClaim.objects.select_for_update()
            .select_related("agent", "project", "rule")
            .prefetch_related("rule__tiers", "rule__instalments", "payments")
            .get(pk=claim.pk)
        )
        owed = entitlement(locked).owed
        if amount > owed:
            raise ValidationError(_("Only %(owed)s万 is owed.") % {"owed": plain(owed)})
        payment = AgentPayment.objects.create(claim=locked, amount=amount, paid_on=paid_on, by=by, note=note)
        record(
            "investment.agent_payment",
            locked.project,
            actor=by,
            changes={"agent": locked.agent_id, "amount": str(amount)},
        )
    return payment


# Parks and land -------------------------------------------------------------------


def do_allocate(parcel: Parcel, project: Project, *, area: Decimal, by: User) -> Allocation:
    """Allocate ``area`` of the parcel to the project; refused beyond the free area, also
    when two allocations race (conditional UPDATE)."""
    enforce(rules.may_manage_park(by, parcel))
    if area <= 0:
        raise ValidationError(_("The area must be positive."))
    if parcel.district_id != project.district_id:
        raise ValidationError(_("The parcel and the project belong to different districts."))
    with transaction.atomic():
        changed = Parcel.objects.filter(pk=parcel.pk, allocated__lte=F("area") - area).update(
            allocated=F("allocated") + area
        )
        if changed != 1:
            parcel.refresh_from_db()
            raise ValidationError(
                _("Only %(free)s ㎡ of %(parcel)s is free.") % {"free": plain(parcel.free), "parcel": parcel.code}
            )
        allocation = Allocation.objects.create(parcel=parcel, project=project, area=area, at=clock.now(), by=by)
        if parcel.park_id:
            WaitingEntry.objects.filter(park_id=parcel.park_id, project=project).delete()
        parcel.refresh_from_db()
        record("investment.allocate", parcel, actor=by, changes={"project": project.pk, "area": str(area)})
    return allocation


def do_add_waiting(park: Park, project: Project, *, area: Decimal, by: User) -> WaitingEntry:
    enforce(rules.may_manage_park(by, park))
    if area <= 0:
        raise ValidationError(_("The area must be positive."))
    try:
        with transaction.atomic():
            entry = WaitingEntry.objects.create(park=park, project=project, area_wanted=area, since=clock.now())
            record("investment.waiting_add", park, actor=by, changes={"project": project.pk, "area": str(area)})
    except IntegrityError:
        raise ValidationError(_("The project is already on this waiting list.")) from None
    return entry


def do_report_occupant(park: Park, *, enterprise: str, year: int, output: Decimal, tax: Decimal, by: User) -> None:
    """An occupant's annual output and tax; a second report for the same year replaces the first."""
    enforce(rules.may_manage_park(by, park))
    with transaction.atomic():
        report, created = OccupantReport.objects.update_or_create(
            park=park, enterprise=enterprise, year=year, defaults={"output": output, "tax": tax}
        )
        record(
            "investment.occupant_report",
            park,
            actor=by,
            changes={"enterprise": enterprise, "year": year, "output": str(output), "tax": str(tax), "new": created},
        )


def waiting_list(park: Park) -> list[WaitingEntry]:
    """Waiting firms, best 选商 score first, then the longest waiting."""
    return list(
        park.waiting.select_related("project", "project__industry").order_by("-project__selection_score", "since")
    )


# Import ---------------------------------------------------------------------------


def do_import_projects(district: Any, rows: Iterable[Mapping[str, Any]], *, by: User) -> list[Project]:
    """Create every parsed row in one transaction: all or nothing."""
    enforce(rules.may_import_projects(by, district))
    created = []
    with transaction.atomic():
        for row in rows:
            data = dict(row)
            stage = Stage(data.pop("stage"))
            created.append(do_create_project(district, data, by=by, stage=stage))
        record("investment.import", None, actor=by, district=district, changes={"projects": [p.pk for p in created]})
    return created


def stage_ages(district_id: int, today: dt.date | None = None) -> dict[str, float]:
    """Average days spent in each stage: the closed stays from the log, plus the open
    stays of projects now in the stage (up to ``today``)."""
    from django.db.models import Count, Sum

    today = today or clock.today()
    sums: dict[str, tuple[float, int]] = {}
    closed = (
        StageChange.objects.filter(district_id=district_id, days_in_from__isnull=False)
        .exclude(from_stage="")
        .values("from_stage")
        .annotate(total=Sum("days_in_from"), n=Count("*"))
    )
    for row in closed:
        sums[row["from_stage"]] = (float(row["total"] or 0), int(row["n"]))
    # Open stays: one grouped query over the entry dates (a row per stage and day).
    opened = (
        Project.objects.filter(district_id=district_id, stage__in=PIPELINE, stage_entered_on__isnull=False)
        .values("stage", "stage_entered_on")
        .annotate(n=Count("*"))
        .order_by()
    )
    for row in opened:
        total, n = sums.get(row["stage"], (0.0, 0))
        sums[row["stage"]] = (total + (today - row["stage_entered_on"]).days * row["n"], n + row["n"])
    return {stage: round(total / n, 1) for stage, (total, n) in sums.items() if n}


def owed_by_agent(district_id: int) -> list[tuple[Agent, list[tuple[AgentClaim, Any]], Decimal]]:
    claims = (
        AgentClaim.objects.filter(agent__district_id=district_id)
        .select_related("agent", "project", "rule")
        .prefetch_related("rule__tiers", "rule__instalments", "payments")
        .order_by("agent_id", "claimed_at")
    )
    table: dict[int, tuple[Agent, list[tuple[AgentClaim, Any]]]] = {}
    for claim in claims:
        table.setdefault(claim.agent_id, (claim.agent, []))[1].append((claim, entitlement(claim)))
    result = []
    for agent in Agent.objects.filter(district_id=district_id).select_related("office"):
        rows = table.get(agent.pk, (agent, []))[1]
        result.append((agent, rows, sum((e.owed for _claim, e in rows), ZERO)))
    return result
