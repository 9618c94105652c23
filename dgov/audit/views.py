import json
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from dgov.accounts.roles import VIEW_AUDIT
from dgov.audit.chain import chain_status
from dgov.audit.forms import EntryFilterForm
from dgov.audit.models import AuditEntry

PAGE_SIZE = 50


def _text(value: Any) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _change_lines(changes: Any) -> list[tuple[str, str]]:
    """``{"field": [old, new]}`` as ("field", "old → new"); anything else as it is."""
    if not isinstance(changes, dict):
        return [("", _text(changes))]
    lines = []
    for name, value in changes.items():
        if isinstance(value, list) and len(value) == 2:
            lines.append((str(name), f"{_text(value[0])} → {_text(value[1])}"))
        else:
            lines.append((str(name), _text(value)))
    return lines


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
        entry.change_lines = _change_lines(entry.changes)  # type: ignore[attr-defined]
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
