"""A district's wording and settings of its documents: every change a new version (or an
audited change of the settings), never an edit of what documents were issued from."""

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from dgov.accounts.models import User
from dgov.audit.trail import diff, record
from dgov.lib.conflicts import Conflict
from dgov.lib.rules import enforce
from dgov.notices import drafting, templating
from dgov.notices.models import Kind, NoticeSettings, NoticeTemplate, NumberPrefix
from dgov.notices.rules import may_edit_templates


def do_save_template(district: Any, kind: str, *, title: str, body: str, note: str = "", by: User) -> NoticeTemplate:
    """Add a version of ``kind``'s wording; refused (nothing saved) when it lacks an
    element the law requires or uses a placeholder the kind does not have."""
    enforce(may_edit_templates(by))
    kind = Kind(kind)
    problems = templating.check(kind, title, body)
    if problems:
        raise ValidationError(problems, code="template")
    drafting.ensure_templates(district.pk)
    try:
        with transaction.atomic():
            latest = NoticeTemplate.objects.filter(district=district, kind=kind).aggregate(m=Max("version"))["m"] or 0
            template = NoticeTemplate.objects.create(
                district=district,
                kind=kind,
                version=latest + 1,
                title=title.strip(),
                body=body,
                note=note,
                created_by=by,
            )
            record(
                "notice_template.save",
                template,
                actor=by,
                district=district,
                changes={"kind": kind, "version": template.version, "note": note},
            )
            drafting.invalidate(district.pk)
    except IntegrityError:
        raise Conflict(_("Someone else saved a version of this template at the same moment.")) from None
    return template


def do_save_settings(
    district: Any, *, values: Mapping[str, str], prefixes: Mapping[int, str], by: User
) -> NoticeSettings:
    """The number format, the remedy bodies and the departments' number prefixes."""
    enforce(may_edit_templates(by))
    with transaction.atomic():
        found, _created = drafting.district_settings(district.pk)
        found = NoticeSettings.objects.select_for_update().get(pk=found.pk)
        before = {name: getattr(found, name) for name in values}
        for name, value in values.items():
            setattr(found, name, value)
        found.updated_by = by
        found.save()
        changes = diff(before, dict(values))
        for department_id, prefix in prefixes.items():
            current = NumberPrefix.objects.filter(department_id=department_id).first()
            old = current.prefix if current else ""
            if prefix == old:
                continue
            if prefix:
                NumberPrefix.objects.update_or_create(department_id=department_id, defaults={"prefix": prefix})
            elif current is not None:
                current.delete()
            changes[f"prefix:{department_id}"] = [old, prefix]
        record("notice_settings.change", found, actor=by, district=district, changes=changes)
        drafting.invalidate(district.pk)
    return found
