"""The district's public PKI and certificate verification in the API
(``/api/v1/certificates/``), without a token: what the public page shows."""

import base64
import datetime as dt
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Schema
from ninja.responses import Status

from dgov.api.schemas import Error
from dgov.certificates import publish
from dgov.certificates.throttle import allowed
from dgov.certificates.verify import verify_code

router = Router(tags=["certificates"])
DistrictCode = Annotated[str, Query(max_length=6)]
VerificationCode = Annotated[str, Path(max_length=32)]


class SealOut(Schema):
    key_id: str
    name: str
    valid_from: dt.date
    valid_to: dt.date
    revoked_at: dt.datetime | None
    sm2_public_key_pem: str
    certificate_pem: str


class CrlOut(Schema):
    number: int
    this_update: dt.datetime
    next_update: dt.datetime
    der_base64: str


class PkiOut(Schema):
    district: str
    ca_certificate_pem: str
    tsa_certificate_pem: str
    crl_url: str
    crl: CrlOut | None
    seals: list[SealOut]
    openssl_verify: str


class VerificationOut(Schema):
    outcome: str
    date: dt.date | None
    signed_at: dt.datetime | None
    seal: str | None
    sealed: dict[str, Any] | None
    status: str | None


@router.get("/pki", response={200: PkiOut, 404: Error}, auth=None, summary="Trust root, seals, TSA and current CRL")
def pki(request: HttpRequest, district: DistrictCode = "") -> dict[str, Any]:
    published = publish.pki_for(publish.district_for(district))
    crl = published.crl
    return {
        "district": published.district.code,
        "ca_certificate_pem": published.authority.ca_certificate_pem,
        "tsa_certificate_pem": published.authority.tsa_certificate_pem,
        "crl_url": published.authority.crl_url,
        "crl": None
        if crl is None
        else {**(publish.crl_summary(crl) or {}), "der_base64": base64.b64encode(bytes(crl.der)).decode()},
        "seals": [publish.seal_summary(seal) for seal in published.seals],
        "openssl_verify": publish.OPENSSL_VERIFY,
    }


@router.get(
    "/verify/{code}",
    response={200: VerificationOut, 429: Error},
    auth=None,
    summary="A certificate's standing by its verification code",
)
def verify(request: HttpRequest, code: VerificationCode) -> Any:
    if not allowed(request):
        return Status(429, {"detail": _("Too many verifications from your address; try again later."), "messages": []})
    verdict = verify_code(code)
    return {
        "outcome": verdict.outcome.value,
        "date": verdict.date,
        "signed_at": verdict.signed_at,
        "seal": verdict.seal.name if verdict.seal else None,
        "sealed": verdict.sealed,
        "status": verdict.certificate.status if verdict.certificate and verdict.sealed else None,
    }
