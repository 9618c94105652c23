"""``/exports/<list>.<csv|xlsx>``: any list a person works from, with its page's filters."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from dgov.accounts.access import AuthedRequest, staff_or_403
from dgov.exports import actions
from dgov.exports.models import ExportJob
from dgov.lib.exports import all_exports, stream, table_response
from dgov.lib.rules import enforce
from dgov.ops.replica import reads_from_replica

FORMATS = ("csv", "xlsx")


@reads_from_replica
@login_required
@require_GET
def download(request: AuthedRequest, name: str, fmt: str) -> HttpResponse:
    """The list now, or (when long) a job with a progress bar. A list the person may not
    read is a 403 with the reason; a filter that does not parse a 400 with the message."""
    user = staff_or_403(request)
    export = all_exports().get(name)
    if export is None or fmt not in FORMATS:
        raise Http404
    enforce(export.may(user))
    try:
        rows = export.rows(user, request.GET)
        count = actions.count_up_to(rows, actions.job_rows())
    except ValidationError as error:
        return render(request, "exports/refused.html", {"export": export, "messages_": error.messages}, status=400)
    if count > actions.job_rows():
        job = actions.do_request_export(export, fmt, request.GET, by=user)
        return redirect("exports:job", pk=job.pk)
    actions.record_download(export, fmt, by=user, rows=count)
    filename = export.file_name(fmt).rsplit(".", 1)[0]
    return table_response(filename, fmt, export.header(), export.values(stream(rows)))


def _own_job(request: AuthedRequest, pk: int) -> ExportJob:
    """The person's own export (missing and another's look alike)."""
    user = staff_or_403(request)
    try:
        return ExportJob.objects.get(pk=pk, requested_by=user)
    except ExportJob.DoesNotExist:
        raise Http404 from None


@login_required
@require_GET
def job(request: AuthedRequest, pk: int) -> HttpResponse:
    """The export's progress (the bar refreshes itself until the file is ready)."""
    found = _own_job(request, pk)
    export = all_exports().get(found.export)
    return render(request, "exports/job.html", {"job": found, "export": export})


@login_required
@require_GET
def job_file(request: AuthedRequest, pk: int) -> FileResponse:
    import mimetypes

    from dgov.documents.storage import file_response

    found = _own_job(request, pk)
    if found.state != ExportJob.State.DONE or not found.file_name:
        raise Http404
    export = all_exports().get(found.export)
    name = export.file_name(found.format) if export else f"export.{found.format}"
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return file_response(actions.file_key(found), content_type=content_type, filename=name)


@login_required
@require_GET
def mine(request: AuthedRequest) -> HttpResponse:
    user = staff_or_403(request)
    jobs = ExportJob.objects.filter(requested_by=user)[:50]
    titles = {name: e.title for name, e in all_exports().items()}
    return render(request, "exports/mine.html", {"jobs": jobs, "titles": titles, "empty": _("No exports yet.")})
