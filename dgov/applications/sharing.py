"""Once-only (免提交): a material the guide marks as shared data or an e-certificate is
fetched by the platform, not asked for (国务院令第716号 Arts. 7 and 10).

1. Providers are asked in order; the first that holds the material answers with a
   reference and a summary, kept on the case with the provider's name and the time.
2. The first providers are the platform's own: its e-certificates (a valid certificate of
   the applicant whose type the material names) and its register of applicants (an
   enterprise's registration record by unified social credit code, a citizen's identity).
   More are added by dotted path in the ``DGOV_SHARED_DATA_PROVIDERS`` setting.
3. A material no provider holds is recorded as not found, so the window asks for it.
4. Fetching runs outside the submission (the job ``fetch_shared_materials`` and a button
   on the case), so the busiest write of the platform does not wait for other systems.
"""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dgov.applications.models import OPEN_STATUSES, Application, SharedMaterial
from dgov.audit.trail import record
from dgov.lib import clock
from dgov.lib.personal import mask_id_number
from dgov.services.models import Material

TO_FETCH = (Material.Source.SHARED, Material.Source.E_CERTIFICATE)


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


def do_fetch_shared(application: Application, *, by: Any = None) -> list[SharedMaterial]:
    """Fetch every shared-data or e-certificate material of the case not fetched yet (rules
    1–3). Each row is written once (a constraint), so two runners never fetch one twice."""
    wanted = [m for m in application.item_version.materials.all() if m.source in TO_FETCH]
    done = set(SharedMaterial.objects.filter(application=application).values_list("material_id", flat=True))
    written: list[SharedMaterial] = []
    for material in wanted:
        if material.pk in done:
            continue
        answer, source = None, ""
        for provider in providers():
            answer = provider.fetch(material, application)
            if answer is not None:
                source = provider.name
                break
        row = SharedMaterial(
            application=application,
            material=material,
            provider=source,
            found=answer is not None,
            reference=answer.reference if answer else "",
            title=answer.title[:200] if answer else "",
            data=answer.data if answer else {},
            fetched_at=clock.now(),
        )
        try:
            with transaction.atomic():
                row.save()
                record(
                    "application.fetch_shared",
                    application,
                    actor=by,
                    changes={
                        "material": material.name,
                        "provider": source,
                        "found": row.found,
                        "reference": row.reference,
                    },
                )
        except IntegrityError:
            continue  # another runner fetched it first
        written.append(row)
    return written


def provider_label(name: str) -> Any:
    return next((p.label for p in providers() if p.name == name), name)


def fetch_shared_materials(now: dt.datetime) -> int:
    """Job: open cases whose shared materials have not been fetched yet."""
    pending = (
        Application.objects.filter(status__in=OPEN_STATUSES, item_version__materials__source__in=TO_FETCH)
        .exclude(pk__in=SharedMaterial.objects.values("application_id"))
        .select_related("applicant", "item_version")
        .distinct()
        .order_by("pk")[:100]
    )
    return sum(len(do_fetch_shared(application)) for application in pending)
