"""Facts the platform already holds about an enterprise, copied onto its profile (用数据跑路).

1. Investment projects whose investor has the enterprise's credit code: the fixed-asset
   investment of those not lost, and whether one is on the key-project list (then the
   secretaries serve it; a key project with a secretary counts as the secretaries' record).
2. Certificates issued on the platform to the credit code, valid today (GB/T 36903 status
   01): their type codes join the certificates held, beside what the enterprise confirmed;
   one no longer valid leaves them.

Only profiles whose facts change are saved, so the matching job's next pass looks at them.
"""

from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, Sum

from dgov.lib import clock
from dgov.policies.facts import KNOWN_CERTIFICATES, Source
from dgov.policies.models import EnterpriseProfile, certificate_text


def refresh(district_id: int | None = None) -> int:
    """Copy the platform's facts onto the profiles; returns how many profiles changed."""
    from dgov.certificates.models import Certificate, CertificateStatus
    from dgov.investment.models import Project, Stage
    from dgov.secretaries.models import Secretaryship

    profiles = EnterpriseProfile.objects.exclude(credit_code="")
    projects = Project.objects.exclude(investor_credit_code="").exclude(stage=Stage.LOST)
    certificates = Certificate.objects.filter(
        status=CertificateStatus.VALID, valid_to__gte=clock.today(), holder_code_kind="credit_code"
    )
    if district_id is not None:
        profiles = profiles.filter(district_id=district_id)
        projects = projects.filter(district_id=district_id)
        certificates = certificates.filter(district_id=district_id)
    invested: dict[tuple[int, str], dict[str, Any]] = {
        (row["district_id"], row["investor_credit_code"]): row
        for row in projects.values("district_id", "investor_credit_code").annotate(
            total=Sum("fixed_asset_investment"), key=Count("pk", filter=Q(is_key=True))
        )
    }
    served = set(
        Secretaryship.objects.values_list("project__district_id", "project__investor_credit_code").filter(
            ~Q(project__investor_credit_code="")
        )
    )
    held: dict[tuple[int, str], set[str]] = defaultdict(set)
    for district, code, kind in certificates.values_list("district_id", "holder_code", "certificate_type__code"):
        held[(district, code)].add(kind.lower())
    changed = 0
    for profile in profiles.iterator(chunk_size=2000):
        key = (profile.district_id, profile.credit_code)
        sources = dict(profile.sources)
        before = (profile.project_investment, profile.key_project, profile.certificates)
        row = invested.get(key)
        if row is not None:
            profile.project_investment = Decimal(row["total"] or 0)
            profile.key_project = bool(row["key"])
            sources["project_investment"] = Source.PROJECTS
            sources["key_project"] = Source.SECRETARIES if key in served else Source.PROJECTS
        # The well-known certificates are the enterprise's word; the platform's own
        # certificate types are what is valid on the platform today (an annulled one goes).
        platform = held.get(key, set())
        profile.certificates = certificate_text(
            {t for t in profile.certificate_set if t in KNOWN_CERTIFICATES} | platform
        )
        if platform:
            sources.setdefault("certificates", Source.CERTIFICATES)
        if (profile.project_investment, profile.key_project, profile.certificates) != before:
            profile.sources = sources
            profile.save()
            changed += 1
    return changed
