from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from dgov.accounts.models import Applicant, District
from dgov.documents.forms import DocumentUploadForm
from dgov.documents.models import Document
from dgov.documents.signals import document_opened
from dgov.documents.storage import do_store_uploads, document_response, get_document_for_user, record_download


def _upload_district(user: Any) -> District:
    """The district an applicant's uploads belong to: their applicant profile's (the
    portal's district first), else the portal's; staff upload into their own district."""
    if user.district_id is not None:
        return user.district
    profiles = Applicant.objects.filter(user_id=user.pk).select_related("district")
    default = settings.DEFAULT_DISTRICT_CODE
    chosen = min(profiles, key=lambda p: (p.district.code != default, p.pk), default=None)
    if chosen is not None:
        return chosen.district
    try:
        return District.objects.get(code=default)
    except District.DoesNotExist:
        raise Http404 from None


def _locker(request: HttpRequest, form: DocumentUploadForm, status: int = 200) -> HttpResponse:
    documents = Document.objects.filter(owner_id=request.user.pk)
    return render(request, "documents/locker.html", {"documents": documents, "form": form}, status=status)


@login_required
@require_GET
def locker(request: HttpRequest) -> HttpResponse:
    """The applicant's document locker: everything they have uploaded, to download or reuse."""
    return _locker(request, DocumentUploadForm())


@login_required
@require_POST
def upload(request: HttpRequest) -> HttpResponse:
    form = DocumentUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _locker(request, form, status=400)
    files = form.cleaned_data["uploads"]
    do_store_uploads(
        files, owner=request.user, district=_upload_district(request.user), label=form.cleaned_data["label"]
    )
    messages.success(
        request,
        ngettext("%(count)d file is in your locker.", "%(count)d files are in your locker.", len(files))
        % {"count": len(files)},
    )
    return redirect("documents:locker")


@login_required
@require_GET
def download(request: HttpRequest, pk: int) -> FileResponse:
    document = get_document_for_user(request, pk)
    response = document_response(document)
    try:
        record_download(document, request.user)
        document_opened.send(Document, document=document, user=request.user)
    except BaseException:
        response.close()
        raise
    return response
