"""What an outsider needs to check a certificate without us (public page and API): the
district CA's certificate (the trust root), each seal's SM2 public key and signing
certificate with its validity, the TSA's certificate and the current CRL."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import Http404

from dgov.accounts.models import District
from dgov.certificates.models import Authority, RevocationList, Seal

# The OpenSSL command that checks a certificate's SM2 seal (GB/T 35276 default signer ID).
OPENSSL_VERIFY = (
    "openssl pkeyutl -verify -pubin -inkey seal-sm2.pem -rawin -digest sm3 "
    "-pkeyopt distid:1234567812345678 -in metadata.json -sigfile seal.der"
)


@dataclass(frozen=True)
class PublicPKI:
    district: Any
    authority: Authority
    crl: RevocationList | None
    seals: list[Seal]


def district_for(code: str) -> Any:
    district = District.objects.filter(code=(code or settings.DEFAULT_DISTRICT_CODE)[:6]).first()
    if district is None:
        raise Http404
    return district


def pki_for(district: Any) -> PublicPKI:
    published = published_pki(district)
    if published is None:
        raise Http404
    return published


def published_pki(district: Any) -> PublicPKI | None:
    """What ``district`` publishes, or None before its certificate authority exists (a
    fresh district, before its first seal is created)."""
    authority = Authority.objects.filter(district=district).first()
    if authority is None:
        return None
    return PublicPKI(
        district=district,
        authority=authority,
        crl=RevocationList.objects.filter(district=district).order_by("-number").first(),
        seals=list(Seal.objects.filter(district=district).order_by("-valid_to", "pk")),
    )


def seal_summary(seal: Seal) -> dict[str, Any]:
    return {
        "key_id": seal.key_id,
        "name": seal.name,
        "valid_from": seal.valid_from,
        "valid_to": seal.valid_to,
        "revoked_at": seal.revoked_at,
        "sm2_public_key_pem": seal.sm2_public_key_pem,
        "certificate_pem": seal.certificate_pem,
    }


def crl_summary(crl: RevocationList | None) -> dict[str, Any] | None:
    if crl is None:
        return None
    return {"number": crl.number, "this_update": crl.this_update, "next_update": crl.next_update}


def is_current(crl: RevocationList | None, now: dt.datetime) -> bool:
    return crl is not None and crl.this_update <= now < crl.next_update
