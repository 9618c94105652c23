"""The project pipeline as CSV / .xlsx (``dgov.lib.exports``), with the page's filters."""

from typing import Any

from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from dgov.accounts.access import is_staff
from dgov.accounts.models import User
from dgov.investment.forms import PipelineFilterForm
from dgov.investment.models import Project, stage_settings
from dgov.investment.permissions import VIEW_PIPELINE
from dgov.lib import clock
from dgov.lib.exports import Column, Export
from dgov.lib.rules import Verdict, allow, hide


def may_read(user: User) -> Verdict:
    return (
        allow() if is_staff(user) and user.has_perm(VIEW_PIPELINE) else hide(_("Your role does not see the pipeline."))
    )


def projects(user: User, query: QueryDict) -> Any:
    table = stage_settings(user.district_id or 0)
    form = PipelineFilterForm(query or None, district=user.district)
    found = Project.objects.filter(district_id=user.district_id or 0).select_related("owner", "office", "industry")
    return form.apply(found, table, clock.today())


EXPORTS = [
    Export(
        "investment.projects",
        _("Projects"),
        may_read,
        projects,
        [
            Column(_("Project"), lambda p: p.name),
            Column(_("Investor"), lambda p: p.investor),
            Column(_("Stage"), lambda p: p.get_stage_display()),
            Column(_("Key project"), lambda p: p.is_key),
            Column(_("Industry"), lambda p: p.industry.name if p.industry else ""),
            Column(_("Resident office"), lambda p: p.office.name if p.office else ""),
            Column(_("Owner"), lambda p: str(p.owner or "")),
            Column(_("Agreed amount (万元)"), lambda p: p.agreed_amount),
            Column(_("Paid in (万元)"), lambda p: p.paid_in),
            Column(_("Fixed-asset investment (万元)"), lambda p: p.fixed_asset_investment),
            Column(_("Jobs"), lambda p: p.jobs),
            Column(_("选商 score"), lambda p: p.selection_score),
            Column(_("Last activity"), lambda p: p.last_activity_at),
        ],
    )
]
