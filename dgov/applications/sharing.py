"""Once-only (免提交): a material the guide marks as shared data or an e-certificate is
fetched by the platform, not asked for (国务院令第716号 Arts. 7 and 10).

1. Providers are asked in order; the first that holds the material answers with a
   reference and a summary, kept on the case with the provider's name and the time.
2. The first providers are the platform's own: its e-certificates (a valid certificate of
   the applicant whose type the material names) and its register of applicants (an
   enterprise's registration record by unified social credit code, a citizen's identity).
   More are added by dotted path in the ``DGOV_SHARED_DATA_PROVIDERS`` setting.
3. A material no provider holds is recorded as not found, so the window asks for it; a
   provider that fails (another system down) is named on the row, and the others are
   still asked.
4. Fetching runs outside the submission (the job ``fetch_shared_materials``), so the
   busiest write of the platform does not wait for other systems; a window clerk asks
   again from the case for what is not found yet (``rules.may_fetch_shared``).
"""

import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, Max, OuterRef
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dgov.accounts.models import User
from dgov.applications import rules
from dgov.applications.models import OPEN_STATUSES, Application, SharedMaterial
from dgov.audit.trail import record
from dgov.lib import clock
from dgov.lib.conflicts import Conflict
from dgov.lib.personal import mask_id_number
from dgov.lib.rules import enforce
from dgov.services.models import Material

logger = logging.getLogger(__name__)

TO_FETCH = (Material.Source.SHARED, Material.Source.E_CERTIFICATE)
# The job walks the cases in the order they were filed, from the newest one it has fetched
# for, less this many: a case numbered just before it may have committed just after it.
LOOK_BACK = 1000


@dataclass(frozen=True)
class Fetched:
    reference: str
    title: str
    data: dict[str, Any] = field(default_factory=dict)


class Provider(Protocol):
    name: str
    label: Any

    def fetch(self, material: Material, application: Application) -> Fetched | None: ...


class CertificateProvider:
    """The platform's e-certificates: a valid one held by the applicant whose type the
    material names (营业执照, 食品经营许可证 …)."""

    name = "certificates"
    label = gettext_lazy("The platform's e-certificates")

    def fetch(self, material: Material, application: Application) -> Fetched | None:
        from dgov.certificates.models import Certificate, CertificateStatus

        applicant = application.applicant
        codes = [c for c in (applicant.credit_code, applicant.id_number) if c]
        if not codes:
            return None
        today = clock.today()
        for certificate in (
            Certificate.objects.filter(
                district_id=application.district_id,
                holder_code__in=codes,
                status=CertificateStatus.VALID,
                valid_from__lte=today,
                valid_to__gte=today,
            )
            .select_related("certificate_type")
            .order_by("-issued_on", "-pk")
        ):
            type_name = certificate.certificate_type.name
            if type_name and (type_name in material.name or material.name in type_name):
                return Fetched(
                    reference=certificate.number,
                    title=type_name,
                    data={
                        "holder": certificate.holder_name,
                        "issuer": certificate.issuer_name,
                        "issued_on": certificate.issued_on.isoformat(),
                        "valid_to": certificate.valid_to.isoformat(),
                        "identifier": certificate.identifier,
                    },
                )
        return None


class RegisterProvider:
    """The platform's register of applicants: an enterprise's registration record (name and
    unified social credit code) for a licence or registration material, a citizen's identity
    for an identity-card material."""

    name = "register"
    label = gettext_lazy("The platform's register of enterprises and residents")
    ENTERPRISE_WORDS = ("营业执照", "登记", "统一社会信用代码")
    IDENTITY_WORDS = ("身份证",)

    def fetch(self, material: Material, application: Application) -> Fetched | None:
        applicant = application.applicant
        if applicant.credit_code and any(w in material.name for w in self.ENTERPRISE_WORDS):
            return Fetched(
                reference=applicant.credit_code,
                title=_("Registration record of %(name)s") % {"name": applicant.name},
                data={
                    "name": applicant.name,
                    "credit_code": applicant.credit_code,
                    "district": application.district_id,
                },
            )
        if applicant.id_number and any(w in material.name for w in self.IDENTITY_WORDS):
            return Fetched(
                reference=mask_id_number(applicant.id_number),
                title=_("Identity of %(name)s") % {"name": applicant.name},
                data={"name": applicant.name, "id_number": mask_id_number(applicant.id_number)},
            )
        return None


def providers() -> list[Provider]:
    found: list[Provider] = [CertificateProvider(), RegisterProvider()]
    for path in getattr(settings, "DGOV_SHARED_DATA_PROVIDERS", []):
        found.append(import_string(path)())
    return found


def provider_label(name: str) -> Any:
    return next((p.label for p in providers() if p.name == name), name)


@dataclass(frozen=True)
class Answer:
    fetched: Fetched | None
    provider: str  # the one that answered, or ""
    unavailable: list[str]  # those that failed on the way


def ask(material: Material, application: Application) -> Answer:
    """Rules 1 and 3: the providers in order; one that fails is noted and passed over."""
    unavailable: list[str] = []
    for provider in providers():
        try:
            fetched = provider.fetch(material, application)
        except Exception:  # another system's failure must not stop the others
            logger.exception("shared-data provider %s failed on application %s", provider.name, application.pk)
            unavailable.append(provider.name)
            continue
        if fetched is not None:
            return Answer(fetched, provider.name, unavailable)
    return Answer(None, "", unavailable)


def do_fetch_shared(application: Application, *, by: User | None = None) -> list[SharedMaterial]:
    """Fetch every material of the case that the platform fetches and has not got yet:
    those never asked for and those not found before (rules 1–3). ``by`` is the clerk who
    asks again from the case, None for the job. The providers are asked before the
    transaction; the rows are written in one, so a case is fetched all at once or not at
    all, and two runners never write one material twice (a constraint): the second gets
    a ``Conflict`` (a clerk) or nothing (the job)."""
    if by is not None:
        enforce(rules.may_fetch_shared(by, application))
    earlier = {row.material_id: row for row in application.shared_materials.all()}
    wanted = [m for m in application.item_version.materials.all() if not m.to_submit]
    todo = [m for m in wanted if m.pk not in earlier or not earlier[m.pk].found]
    answers = [(material, ask(material, application)) for material in todo]
    written: list[SharedMaterial] = []
    try:
        with transaction.atomic():
            for material, answer in answers:
                row = earlier.get(material.pk) or SharedMaterial(application=application, material=material)
                row.provider = answer.provider
                row.found = answer.fetched is not None
                row.reference = answer.fetched.reference[:120] if answer.fetched else ""
                row.title = answer.fetched.title[:200] if answer.fetched else ""
                row.data = answer.fetched.data if answer.fetched else {}
                if answer.unavailable:
                    row.data = {**row.data, "unavailable": answer.unavailable}
                row.fetched_at = clock.now()
                if row.pk is None:
                    row.save(force_insert=True)
                elif not SharedMaterial.objects.filter(pk=row.pk, found=False).update(
                    provider=row.provider,
                    found=row.found,
                    reference=row.reference,
                    title=row.title,
                    data=row.data,
                    fetched_at=row.fetched_at,
                ):
                    continue  # found by someone else meanwhile
                record(
                    "application.fetch_shared",
                    application,
                    actor=by,
                    changes={
                        "material": material.name,
                        "provider": row.provider,
                        "found": row.found,
                        "reference": row.reference,
                        "unavailable": answer.unavailable,
                    },
                )
                written.append(row)
    except IntegrityError:
        if by is None:
            return []  # another runner fetched this case first
        raise Conflict(
            _("The shared materials of application %(number)s were just fetched by someone else.")
            % {"number": application.number},
            obj=application,
        ) from None
    return written


def pending() -> Any:
    """Open cases with a material to fetch and no fetched row, from where the job stopped
    (``LOOK_BACK``), in filing order: a pass reads a bounded stretch of the primary key,
    never the whole table (``bench/shared_fetch.py``)."""
    newest = SharedMaterial.objects.aggregate(newest=Max("application_id"))["newest"] or 0
    versions = Material.objects.filter(source__in=TO_FETCH).values("version_id")
    return (
        Application.objects.filter(pk__gt=newest - LOOK_BACK, status__in=OPEN_STATUSES, item_version__in=versions)
        .exclude(Exists(SharedMaterial.objects.filter(application=OuterRef("pk"))))
        .order_by("pk")
    )


def fetch_shared_materials(now: dt.datetime) -> int:
    """Job: fetch for the open cases filed since the last pass (at most 100 a pass)."""
    batch = pending().select_related("applicant", "item_version")[:100]
    return sum(len(do_fetch_shared(application)) for application in batch)
