from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dgov.accounts.access import staff_or_403
from dgov.accounts.roles import VIEW_AUDIT
from dgov.audit import actions, readable
from dgov.audit.chain import chain_status
from dgov.audit.forms import EntryFilterForm, RebaselineForm
from dgov.audit.models import AuditEntry, Rebaseline
from dgov.audit.permissions import REBASELINE

PAGE_SIZE = 50


@login_required
@require_GET
def entry_list(request: HttpRequest) -> HttpResponse:
    """The newest entries of the user's district, filtered, a page at a time.

    Pages are keyed by entry number (``?before=``) rather than counted: counting a
    district's trail costs a scan of millions of rows.
    """
    if not request.user.has_perm(VIEW_AUDIT):
        raise PermissionDenied
    form = EntryFilterForm(request.GET)
    entries = AuditEntry.objects.visible_to(request.user).order_by("-id")
    entries = form.apply(entries)
    page = list(entries[: PAGE_SIZE + 1])
    for entry in page:
        entry.change_lines = readable.change_lines(entry.object_type, entry.changes)  # type: ignore[attr-defined]
    older = page[PAGE_SIZE - 1].pk if len(page) > PAGE_SIZE else None
    query = request.GET.copy()
    query.pop("before", None)
    return render(
        request,
        "audit/entry_list.html",
        {
            "form": form,
            "entries": page[:PAGE_SIZE],
            "older": older,
            "filters": query.urlencode(),
            "paged": bool(form.is_valid() and form.cleaned_data["before"]),
            "status": chain_status(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def rebaseline(request: HttpRequest) -> HttpResponse:
    """Administrators: ask for a re-baseline after a restore, or agree to one another
    administrator asked for (``dgov.audit.actions``)."""
    user = staff_or_403(request, REBASELINE)
    status = chain_status()
    form = RebaselineForm(request.POST or None, initial={"seq": status.chained_upto or None})
    if request.method == "POST" and form.is_valid():
        actions.do_request_rebaseline(by=user, seq=form.cleaned_data["seq"], reason=form.cleaned_data["reason"])
        messages.success(request, _("The re-baseline is asked for; a second administrator must agree."))
        return redirect("audit:rebaseline")
    pending = actions.waiting()
    return render(
        request,
        "audit/rebaseline.html",
        {
            "status": status,
            "form": form,
            "may_request": actions.may_request_rebaseline(user),
            "pending": pending,
            "may_approve": actions.may_approve_rebaseline(user, pending) if pending else None,
            "done": Rebaseline.objects.filter(approved_at__isnull=False)
            .select_related("requested_by", "approved_by")
            .order_by("-approved_at")[:10],
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def rebaseline_approve(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff_or_403(request, REBASELINE)
    actions.do_approve_rebaseline(by=user, rebaseline=get_object_or_404(Rebaseline, pk=pk))
    messages.success(request, _("The re-baseline is agreed and signed into the checkpoint file."))
    return redirect("audit:rebaseline")
