"""Archival timestamps (PAdES B-LTA): a certificate stays checkable for its whole life.

A certificate's signature timestamp proves when it was sealed only while the timestamp
authority's certificate is valid (10 years, ``ca.TSA_YEARS``), and a licence can run 20.
So the seal service keeps beside each issued file an archived copy: the issued file, byte
for byte, with incremental updates appended, each a DSS with the district CA's current CRL
and chain and a document timestamp (RFC 3161, ETSI.RFC3161) over everything before it.
The daily job ``archive_certificates`` adds the first one after issuing and a new one
before the certificate of the TSA that made the latest timestamp ends
(``DGOV_ARCHIVE_RENEW_DAYS``, default 365), for as long as the certificate is in force.

The issued file itself is not touched: its hash is what the SM2 seal covers and what the
holder keeps; pdfsig still sees one signature over the whole of it. The archived copy is
that file with only DSS and document-timestamp updates after it, which pyHanko's
difference analysis classes as ``LTA_UPDATES`` (allowed after a "no changes"
certification) and which ``verify_file`` accepts as the same certificate.
"""

import datetime as dt
import io
import logging
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from dgov.audit.trail import record
from dgov.certificates import sealing
from dgov.certificates.models import Authority, Certificate, CertificateStatus, storage_key
from dgov.lib.files import LocalFiles, files

logger = logging.getLogger(__name__)

# Room for a document timestamp token (RSA-2048 TSA with its CA certificate), hex-encoded.
TIMESTAMP_BYTES_RESERVED = 8192
PASS_SIZE = 200


def renew_margin() -> dt.timedelta:
    return dt.timedelta(days=settings.DGOV_ARCHIVE_RENEW_DAYS)


def certificate_end(pem: str) -> dt.datetime:
    from cryptography import x509

    return x509.load_pem_x509_certificate(pem.encode()).not_valid_after_utc


def add_archival_timestamp(data: bytes, authority: Authority) -> bytes:
    """``data`` with one more incremental update: a DSS holding the district's current
    CRL and its CA, TSA and seal certificates, and a document timestamp over it all."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign.signers import PdfTimeStamper
    from pyhanko.sign.validation.dss import DocumentSecurityStore

    crl = sealing.current_crl(authority.district_id)
    writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    DocumentSecurityStore.supply_dss_in_writer(
        writer,
        None,
        certs=(
            sealing._asn1_certificate(authority.tsa_certificate_pem),
            sealing._asn1_certificate(authority.ca_certificate_pem),
        ),
        crls=[sealing._asn1_crl(bytes(crl.der))],
    )
    stamper = PdfTimeStamper(sealing.timestamper(authority.tsa_key_id), field_name=None)
    out = sealing.run_async(
        lambda: stamper.async_timestamp_pdf(
            writer, "sha256", bytes_reserved=TIMESTAMP_BYTES_RESERVED, output=io.BytesIO()
        )
    )
    return out.getvalue()


def archive_key(certificate: Certificate) -> str:
    """The archived copy's key in the file store, beside the issued file."""
    return storage_key(certificate.storage_name, ".lta.pdf")


def archive_path(certificate: Certificate) -> Path:
    """The archived copy on local storage only."""
    return LocalFiles().path(archive_key(certificate))


def archived_or_issued_key(certificate: Certificate) -> str:
    """The archived copy's key when there is one, else the issued file's (what a verifier
    outside the platform should be given)."""
    key = archive_key(certificate)
    return key if files().exists(key) else certificate.key


def archived_or_issued(certificate: Certificate) -> bytes:
    return files().read(archived_or_issued_key(certificate))


def due(now: dt.datetime) -> Any:
    """Certificates in force whose latest timestamp's TSA certificate ends within the
    margin (or that have no archival timestamp yet)."""
    return Certificate.objects.filter(
        Q(archived_until__isnull=True) | Q(archived_until__lt=now + renew_margin()),
        status__in=(CertificateStatus.VALID, CertificateStatus.SUSPENDED),
        valid_to__gte=timezone.localdate(now),
    )


def archive(certificate: Certificate, authority: Authority, now: dt.datetime) -> bool:
    """One archival timestamp for ``certificate``, claimed under a row lock (another
    runner skips it). False when the district's TSA certificate would not outlast the
    one it replaces: the offline CA has to renew the TSA first (``renew_tsa``)."""
    tsa_end = certificate_end(authority.tsa_certificate_pem)
    with transaction.atomic():
        locked = due(now).select_for_update(skip_locked=True).filter(pk=certificate.pk).first()
        if locked is None:
            return False
        if locked.archived_until is not None and tsa_end <= locked.archived_until:
            return False
        data = add_archival_timestamp(archived_or_issued(locked), authority)
        staged = files().stage(archive_key(locked), [data], replacing=True)
        try:
            Certificate.objects.filter(pk=locked.pk).update(archived_until=tsa_end)
            record(
                "certificate.archive",
                locked,
                changes={"archived_until": tsa_end.isoformat(), "size": len(data)},
            )
            staged.place()
        except BaseException:
            staged.discard()
            raise
    return True


def run(now: dt.datetime) -> int:
    """The daily job: archive what is due, up to ``PASS_SIZE`` certificates a pass. A
    district whose TSA certificate ends within the margin too gets no renewals (they would
    not outlast the timestamps they extend) and is logged until the CA renews its TSA."""
    done = 0
    for authority in Authority.objects.select_related("district"):
        tsa_end = certificate_end(authority.tsa_certificate_pem)
        district_due = due(now).filter(district_id=authority.district_id)
        if tsa_end < now + renew_margin():
            logger.error("%s: the TSA certificate ends %s: run renew_tsa (offline)", authority.district, tsa_end)
        todo = district_due.filter(Q(archived_until__isnull=True) | Q(archived_until__lt=tsa_end))
        for certificate in todo.order_by(F("archived_until").asc(nulls_first=True), "pk")[: PASS_SIZE - done]:
            try:
                done += archive(certificate, authority, now)
            except ValidationError as refused:  # no current CRL: the offline CA issues one
                logger.error("archival timestamps paused: %s", refused.messages[0])
                break
    return done
