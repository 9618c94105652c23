from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dgov.accounts.access import AuthedRequest, StaffRequest, staff_or_403
from dgov.certificates import publish
from dgov.certificates.actions import CHANGE_STATUS, do_annotated_copy, do_change_status
from dgov.certificates.forms import AnnotatedCopyForm, StatusForm, VerifyForm
from dgov.certificates.models import Certificate, LedgerFinding, Seal
from dgov.certificates.rules import may_change_status, may_make_copy, may_see_ledger
from dgov.certificates.sealing import ISSUE, do_issue_batch
from dgov.certificates.throttle import throttled
from dgov.certificates.todo import awaiting_issue
from dgov.certificates.verify import Outcome, Verdict, verify_code, verify_copy_code, verify_file, verify_reference
from dgov.lib import clock
from dgov.lib.rules import enforce


def _other_records(request: HttpRequest, how: str, value: Any) -> HttpResponse | None:
    """The page of another kind of sealed record (a written notice, ``dgov.notices``)
    that answers for ``value`` where no certificate does: ``verification`` plug-ins."""
    from dgov.lib.plugins import discover

    for _app, module in discover("verification"):
        found = getattr(module, how)(request, value)
        if found is not None:
            return found
    return None


def _result(request: HttpRequest, verdict: Verdict, form: VerifyForm | None = None) -> HttpResponse:
    return render(
        request,
        "certificates/verify.html",
        {
            "form": form or VerifyForm(),
            "verdict": verdict,
            "certificate": verdict.certificate,
            "copy": verdict.copy,
            "sealed": verdict.sealed if verdict.detailed else None,
        },
    )


@throttled
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """Public: check a certificate by its number or identifier, or by the file itself."""
    if request.method != "POST":
        return render(request, "certificates/verify.html", {"form": VerifyForm()})
    form = VerifyForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, "certificates/verify.html", {"form": form}, status=400)
    upload = form.cleaned_data["upload"]
    data = upload.read() if upload is not None else b""
    verdict = verify_file(data) if upload is not None else verify_reference(form.cleaned_data["reference"])
    if verdict.outcome == Outcome.NOT_ISSUED_HERE:
        if upload is not None:
            other = _other_records(request, "page_for_file", data)
        else:
            other = _other_records(request, "page_for_reference", form.cleaned_data["reference"])
        if other is not None:
            return other
    return _result(request, verdict, form)


@throttled
@require_GET
def verify_by_code(request: HttpRequest, code: str) -> HttpResponse:
    """The QR code's target: the verification code printed on the certificate (or on a
    written notice, ``dgov.notices``)."""
    verdict = verify_code(code)
    if verdict.outcome == Outcome.NOT_ISSUED_HERE:
        other = _other_records(request, "page_for_code", code)
        if other is not None:
            return other
    return _result(request, verdict)


@throttled
@require_GET
def verify_identifier(request: HttpRequest, identifier: str) -> HttpResponse:
    """Where the QR codes of certificates issued before verification codes point: the
    standing only (identifiers are sequential)."""
    return _result(request, verify_reference(identifier))


@throttled
@require_GET
def verify_copy(request: HttpRequest, code: str) -> HttpResponse:
    return _result(request, verify_copy_code(code))


@require_GET
def pki(request: HttpRequest) -> HttpResponse:
    """Public: the trust root, seals, TSA and CRL, and how to check without us. A district
    without a certificate authority yet gets the page saying so (its files stay 404)."""
    district = publish.district_for(request.GET.get("district", ""))
    published = publish.published_pki(district)
    return render(
        request,
        "certificates/pki.html",
        {
            "district": district,
            "pki": published,
            "openssl_verify": publish.OPENSSL_VERIFY,
            "crl_current": published is not None and publish.is_current(published.crl, clock.now()),
        },
    )


def _download(text: str | bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(text, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
def pki_file(request: HttpRequest, district: str, name: str) -> HttpResponse:
    """The CA certificate, the TSA certificate and the current CRL (DER: the address
    every certificate names as its CRL distribution point)."""
    published = publish.pki_for(publish.district_for(district))
    if name == "ca.pem":
        return _download(published.authority.ca_certificate_pem, f"ca-{district}.pem", "application/x-pem-file")
    if name == "tsa.pem":
        return _download(published.authority.tsa_certificate_pem, f"tsa-{district}.pem", "application/x-pem-file")
    if name == "crl" and published.crl is not None:
        return _download(bytes(published.crl.der), f"ca-{district}.crl", "application/pkix-crl")
    raise Http404


@require_GET
def seal_file(request: HttpRequest, key_id: str, name: str) -> HttpResponse:
    seal = Seal.objects.filter(key_id=key_id).first()
    if seal is None:
        raise Http404
    if name == "sm2.pem":
        return _download(seal.sm2_public_key_pem, f"{key_id}-sm2.pem", "application/x-pem-file")
    if name == "cert.pem":
        return _download(seal.certificate_pem, f"{key_id}-cert.pem", "application/x-pem-file")
    raise Http404


@throttled
@require_GET
def sealed_record(request: HttpRequest, code: str, name: str) -> HttpResponse:
    """For the OpenSSL check: a certificate's sealed metadata and its SM2 seal (DER), by
    its verification code."""
    certificate = Certificate.objects.filter(verification_code=code.strip().upper()).first()
    if certificate is None:
        raise Http404
    if name == "metadata.json":
        return _download(certificate.seal_metadata.encode(), "metadata.json", "application/json")
    if name == "seal.der":
        return _download(bytes.fromhex(certificate.seal_value), "seal.der", "application/octet-stream")
    raise Http404


@login_required
@require_GET
def ledger(request: StaffRequest) -> HttpResponse:
    """Seal officers and auditors: what reconciliation and verification found."""
    user = staff_or_403(request)
    enforce(may_see_ledger(user))
    findings = LedgerFinding.objects.filter(district=user.district)[:500]
    return render(request, "certificates/ledger.html", {"findings": findings})


def get_certificate_for_user(request: HttpRequest, pk: int) -> Certificate:
    """The holder's own certificate, or one of the staff member's district for those who
    issue or change certificates; 404 alike for missing and forbidden."""
    user: Any = request.user
    allowed = Q(application__applicant__user_id=user.pk)
    if user.kind != "staff":
        from dgov.accounts.models import acting_for

        allowed |= Q(application__applicant_id__in=acting_for(user, "may_see_certificates"))
    if user.kind == "staff" and (user.has_perm(ISSUE) or user.has_perm(CHANGE_STATUS)):
        allowed |= Q(district_id=user.district_id)
    try:
        return Certificate.objects.select_related("certificate_type", "seal", "application__applicant").get(
            allowed, pk=pk
        )
    except Certificate.DoesNotExist:
        raise Http404 from None


@login_required
@require_GET
def mine(request: AuthedRequest) -> HttpResponse:
    certificates = list(
        Certificate.objects.held_by(request.user).select_related("certificate_type", "application__applicant")
    )
    for certificate in certificates:
        certificate.may_copy = may_make_copy(request.user, certificate)  # type: ignore[attr-defined]
    return render(request, "certificates/mine.html", {"certificates": certificates, "copy_form": AnnotatedCopyForm()})


@login_required
@require_GET
def download(request: HttpRequest, pk: int) -> HttpResponseBase:
    certificate = get_certificate_for_user(request, pk)
    from dgov.certificates.archive import archived_or_issued_key
    from dgov.documents.storage import file_response

    # With archival timestamps (B-LTA), once there are any.
    key = archived_or_issued_key(certificate)
    return file_response(key, filename=f"{certificate.number}.pdf", content_type="application/pdf")


@login_required
@require_POST
def annotated_copy(request: AuthedRequest, pk: int) -> HttpResponseBase:
    certificate = get_certificate_for_user(request, pk)
    form = AnnotatedCopyForm(request.POST)
    if form.is_valid():
        try:
            copy = do_annotated_copy(
                certificate, form.cleaned_data["purpose"], form.cleaned_data["expires_on"], by=request.user
            )
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, error.messages[0] if isinstance(error, ValidationError) else str(error))
        else:
            from dgov.documents.storage import file_response

            return file_response(copy.key, filename=f"{certificate.number}-copy.pdf", content_type="application/pdf")
    else:
        messages.error(request, _("Check the purpose and the date."))
    return redirect("certificates:mine")


@login_required
@require_http_methods(["GET", "POST"])
def detail(request: StaffRequest, pk: int) -> HttpResponse:
    """Staff: a certificate, its status log, and the status change form."""
    user = staff_or_403(request)
    certificate = get_certificate_for_user(request, pk)
    may_change = may_change_status(user, certificate)
    form = StatusForm(request.POST or None)
    if request.method == "POST":
        enforce(may_change)
    if request.method == "POST" and form.is_valid():
        try:
            do_change_status(certificate, form.cleaned_data["to"], form.cleaned_data["reason"], by=user)
        except ValidationError as error:
            form.add_error(None, error.messages[0])
        else:
            messages.success(request, _("The status is changed."))
            return redirect("certificates:detail", pk=certificate.pk)
    changes = certificate.status_changes.select_related("by")
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "certificates/detail.html",
        {"certificate": certificate, "changes": changes, "form": form, "may_change": may_change},
        status=status,
    )


def _awaiting_issue(user: Any) -> Any:
    return awaiting_issue(user).select_related("applicant", "item_version", "department").order_by("decided_on", "pk")


@login_required
@require_http_methods(["GET", "POST"])
def issue_queue(request: StaffRequest) -> HttpResponse:
    """Seal officer: approved applications waiting for their certificates; issue the
    chosen ones in one batch."""
    user = staff_or_403(request, ISSUE)
    waiting = _awaiting_issue(user)
    if request.method == "POST":
        chosen = [int(pk) for pk in request.POST.getlist("application") if pk.isascii() and pk.isdigit()]
        issued, refused = do_issue_batch(list(waiting.filter(pk__in=chosen)), user)
        if issued:
            messages.success(request, _("%(count)d certificate(s) issued.") % {"count": len(issued)})
        for application, reason in refused:
            messages.error(request, f"{application.number}: {reason}")
        return redirect("certificates:issue_queue")
    findings = LedgerFinding.objects.filter(district=user.district)[:20]
    return render(request, "certificates/issue_queue.html", {"applications": waiting[:200], "findings": findings})
