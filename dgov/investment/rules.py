"""Who may do what in investment attraction: one predicate per action (``dgov.lib.rules``).

The project page builds its buttons from these (a refused one is shown disabled with the
reason, e.g. "Move to 签约" while the admission gates are not passed), and each ``do_*``
of ``actions`` enforces the same one first.
"""

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from dgov.accounts.access import is_staff
from dgov.investment.models import Gate, GateReview, InvestmentPolicy, Orientation, Project, Stage
from dgov.investment.permissions import (
    MANAGE_AGENTS,
    MANAGE_PARKS,
    MANAGE_POLICY,
    MANAGE_PROJECT,
    REVIEW_GATE,
    SUBMIT_LEAD,
    VERIFY_PAID_IN,
    VIEW_PIPELINE,
)
from dgov.lib.rules import Verdict, allow, deny, hide, moved_on


def _holds(user: Any, permission: str, district_id: int) -> bool:
    return bool(is_staff(user) and user.district_id == district_id and user.has_perm(permission))


def _may(user: Any, permission: str, district_id: int) -> Verdict:
    return allow() if _holds(user, permission, district_id) else hide(_("Your role does not allow this action."))


# Admission gates ------------------------------------------------------------------------


def gate_checks(project: Project, policy: InvestmentPolicy | None = None) -> dict[str, tuple[bool, str]]:
    """What the facts say about each gate: (may pass, why). A reviewer still has to
    record the gate; the facts only stop a pass that the rules forbid."""
    policy = policy or InvestmentPolicy.for_district(project.district_id)
    checks: dict[str, tuple[bool, str]] = {}
    industry = project.industry
    if industry is None:
        checks[Gate.INDUSTRY] = (False, _("No industry from the orientation list is given."))
    elif industry.orientation == Orientation.BARRED:
        checks[Gate.INDUSTRY] = (False, _("%(industry)s is barred.") % {"industry": industry.name})
    else:
        checks[Gate.INDUSTRY] = (
            True,
            _("%(industry)s is %(orientation)s.")
            % {"industry": industry.name, "orientation": Orientation(industry.orientation).label},
        )
    assets, tax = project.fixed_assets_per_mu, project.tax_per_mu
    if assets is None or tax is None:
        checks[Gate.ADMISSION] = (False, _("The land asked for is not given, so nothing per mu can be computed."))
    else:
        ok = assets >= policy.min_fixed_assets_per_mu and tax >= policy.min_tax_per_mu
        checks[Gate.ADMISSION] = (
            ok,
            _(
                "Fixed assets %(assets)s万 per mu (at least %(min_assets)s), tax %(tax)s万 per mu a year"
                " (at least %(min_tax)s)."
            )
            % {
                "assets": assets,
                "min_assets": policy.min_fixed_assets_per_mu,
                "tax": tax,
                "min_tax": policy.min_tax_per_mu,
            },
        )
    energy = policy.energy_class(Decimal(project.energy_tce), Decimal(project.electricity_kwh))
    checks[Gate.ENERGY] = (
        True,
        _("%(tce)s tce and %(kwh)s万 kWh a year: %(class)s.")
        % {"tce": project.energy_tce, "kwh": project.electricity_kwh, "class": energy.label},
    )
    return checks


def latest_reviews(project: Project) -> dict[str, GateReview]:
    latest: dict[str, GateReview] = {}
    for review in project.gate_reviews.select_related("reviewer").order_by("at", "id"):
        latest[review.gate] = review
    return latest


def missing_gates(project: Project) -> list[Gate]:
    """Gates without a current pass: never passed, failed at the last review, or passed
    on facts that have changed since."""
    latest = latest_reviews(project)
    return [gate for gate in Gate if not (gate in latest and latest[gate].passed and latest[gate].is_current(project))]


# Projects -------------------------------------------------------------------------------


def projects_for(user: Any) -> Any:
    """The projects a person may open: staff who see the pipeline, their district's; a
    hired agent, only the projects they claimed (the page and the API alike)."""
    projects = Project.objects.visible_to(user)
    if user.has_perm(VIEW_PIPELINE):
        return projects
    if user.has_perm(SUBMIT_LEAD):
        return projects.filter(agent_claim__agent__user=user)
    return projects.none()


def may_create_project(user: Any, district: Any) -> Verdict:
    """An officer records a lead; a hired agent records one of their own."""
    if _holds(user, MANAGE_PROJECT, district.pk) or _holds(user, SUBMIT_LEAD, district.pk):
        return allow()
    return hide(_("Your role does not allow this action."))


def may_manage(user: Any, project: Project) -> Verdict:
    """Edit the facts, set the probability, record activity, transfer to another owner."""
    return _may(user, MANAGE_PROJECT, project.district_id)


def may_import_projects(user: Any, district: Any) -> Verdict:
    return _may(user, MANAGE_PROJECT, district.pk)


def may_update_target(user: Any, office: Any) -> Verdict:
    """The officers keep a resident office's target companies and staff."""
    return _may(user, MANAGE_PROJECT, office.district_id)


def may_advance(user: Any, project: Project) -> Verdict:
    """Move to the next stage. Signing (意向性协议 → 签约) is refused until every admission
    gate has been passed and recorded by its reviewer."""
    verdict = may_manage(user, project)
    if not verdict:
        return verdict
    to = project.next_stage
    if project.is_lost or to is None:
        return moved_on(_("This project has no next stage."))
    if to == Stage.SIGNED:
        missing = missing_gates(project)
        if missing:
            return deny(
                _("The project cannot be signed until these gates are passed: %(gates)s.")
                % {"gates": ", ".join(str(g.label) for g in missing)}
            )
    return allow()


def may_lose(user: Any, project: Project) -> Verdict:
    verdict = may_manage(user, project)
    if verdict and project.is_lost:
        return moved_on(_("The project is already lost."))
    return verdict


def may_restore(user: Any, project: Project) -> Verdict:
    """Bring a lost project back to the stage it left."""
    verdict = may_manage(user, project)
    if verdict and not (project.is_lost and project.lost_from):
        return moved_on(_("Only a lost project can be restored."))
    return verdict


def may_pause(user: Any, project: Project, today: Any) -> Verdict:
    verdict = may_manage(user, project)
    if verdict and project.is_paused(today):
        return moved_on(_("The project is paused already; resume it first."))
    return verdict


def may_resume(user: Any, project: Project, today: Any) -> Verdict:
    verdict = may_manage(user, project)
    if verdict and not project.is_paused(today):
        return moved_on(_("The project is not paused."))
    return verdict


def may_review_gate(user: Any, project: Project) -> Verdict:
    """Gates are reviewed by the leadership, not by the officer who brings the project."""
    return _may(user, REVIEW_GATE, project.district_id)


# Agents and incentives ------------------------------------------------------------------


def may_claim(user: Any, project: Project, agent: Any = None) -> Verdict:
    """Record that an agent brought the project: whoever manages agents, or the agent
    themself for a lead of their own; one claim per project."""
    from dgov.investment.models import AgentClaim

    own = agent is not None and agent.user_id is not None and agent.user_id == user.pk
    if not (_holds(user, MANAGE_AGENTS, project.district_id) or own):
        return hide(_("Your role does not allow this action."))
    if AgentClaim.objects.filter(project=project).exists():
        return moved_on(_("Another agent has already claimed this project."))
    return allow()


def may_verify_paid_in(user: Any, project: Project) -> Verdict:
    return _may(user, VERIFY_PAID_IN, project.district_id)


def may_pay_agent(user: Any, project: Project) -> Verdict:
    from dgov.investment.models import AgentClaim

    verdict = may_verify_paid_in(user, project)
    if verdict and not AgentClaim.objects.filter(project=project).exists():
        return hide(_("No agent has claimed this project."))
    return verdict


def may_register_agent(user: Any, district: Any) -> Verdict:
    return _may(user, MANAGE_AGENTS, district.pk)


def may_set_policy(user: Any, district: Any) -> Verdict:
    """The district's investment policy, stage settings and incentive rule."""
    return _may(user, MANAGE_POLICY, district.pk)


# Parks and land ---------------------------------------------------------------------------


def may_manage_park(user: Any, park: Any) -> Verdict:
    """Allocate land, keep the waiting list, record occupants' output and tax."""
    return _may(user, MANAGE_PARKS, park.district_id)
