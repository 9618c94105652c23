"""Writes to the catalogue, each in one transaction with its audit entry."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from dgov.accounts.models import User
from dgov.audit.trail import diff, record
from dgov.lib.rules import enforce
from dgov.lib.xlsx import ImportRejected
from dgov.services import search
from dgov.services.models import (
    MATERIAL_FIELDS,
    PROCEDURE_FIELDS,
    VERSION_FIELDS,
    Event,
    GuideFile,
    Material,
    ServiceItem,
    ServiceItemVersion,
    SpecialProcedure,
    promised_over_legal,
    version_values,
)
from dgov.services.rules import may_manage_catalogue

# Catch-all materials (兜底材料) let a window ask for anything; guides may not list them.
CATCH_ALL = ("其他材料", "其他相关材料", "等材料", "有关材料")


def check_guide(version_data: Mapping[str, Any], materials: Iterable[Mapping[str, Any]]) -> list[str]:
    """Every problem that keeps a guide from being published, in reading order.

    1. The promised time limit may not exceed the legal one (行政许可法 第四十二条).
    2. No catch-all material: each document the applicant brings is named.
    3. Every material cites its legal basis.
    """
    problems = []
    legal, promised = version_data.get("legal_limit_days"), version_data.get("promised_limit_days")
    if legal is not None and promised is not None and promised > legal:
        problems.append(promised_over_legal(promised, legal))
    for number, material in enumerate(materials, start=1):
        name = str(material.get("name", "")).strip()
        label = name or _("number %(number)s") % {"number": number}
        if any(words in name for words in CATCH_ALL):
            problems.append(
                _("Material “%(name)s” is a catch-all: name each document the applicant must bring.") % {"name": label}
            )
        if not str(material.get("legal_basis", "")).strip():
            problems.append(_("Material “%(name)s” has no legal basis.") % {"name": label})
    return problems


def _version_snapshot(version: ServiceItemVersion | None) -> dict[str, Any]:
    if version is None:
        return {}
    snapshot: dict[str, Any] = {field: getattr(version, field) for field in VERSION_FIELDS}
    snapshot["department"] = version.department_id
    snapshot["window"] = version.window_id
    snapshot["materials"] = [_describe_material(m) for m in version.materials.all()]
    snapshot["procedures"] = [_describe_procedure(p) for p in version.procedures.all()]
    return snapshot


def proposed_snapshot(
    data: Mapping[str, Any], materials: Iterable[Mapping[str, Any]], procedures: Iterable[Mapping[str, Any]]
) -> dict[str, Any]:
    """What ``_version_snapshot`` will say of the version these values publish."""
    snapshot: dict[str, Any] = version_values(data)
    snapshot["department"] = getattr(data["department"], "pk", data["department"])
    snapshot["window"] = getattr(snapshot["window"], "pk", snapshot["window"])
    snapshot["materials"] = [_describe_material(m) for m in materials]
    snapshot["procedures"] = [_describe_procedure(p) for p in procedures]
    return snapshot


def is_unchanged(
    item: ServiceItem,
    data: Mapping[str, Any],
    materials: Iterable[Mapping[str, Any]],
    procedures: Iterable[Mapping[str, Any]],
) -> bool:
    """Whether publishing these values would repeat the current version."""
    return _version_snapshot(item.current_version) == proposed_snapshot(data, materials, procedures)


def _describe_material(material: Any) -> str:
    get = material.get if isinstance(material, Mapping) else lambda key: getattr(material, key)
    flags = "".join(
        [
            "" if get("required") else " optional",
            " rongque" if get("rongque") else "",
        ]
    )
    return f"{get('name')} [{get('source')}, {get('form')} x{get('copies')}{flags}] {get('legal_basis')}".strip()


def _describe_procedure(procedure: Any) -> str:
    get = procedure.get if isinstance(procedure, Mapping) else lambda key: getattr(procedure, key)
    counted = "counted" if get("counts_toward_limit") else "not counted"
    return f"{get('name')} [{get('max_days')} days, {counted}]"


def do_publish_version(
    item: ServiceItem | None,
    data: Mapping[str, Any],
    materials: Iterable[Mapping[str, Any]],
    procedures: Iterable[Mapping[str, Any]],
    by: User | None,
    *,
    complete: bool = False,
) -> ServiceItem:
    """Publish a new version of ``item``'s guide (or a new item when ``item`` is None).

    ``data`` holds the version fields (``VERSION_FIELDS``; the guide's newer sections
    default to empty, ``models.GUIDE_DEFAULTS``); a new item also needs ``code`` and
    ``district`` (default: the publisher's). Materials and procedures are given in order.
    A guide with problems (``check_guide``) raises one ``ValidationError`` listing all of
    them, and nothing is written; ``complete`` (the staff pages, the import, the demo)
    also refuses a guide that lacks a mandatory section (``guide.lint``). ``by`` None:
    the platform itself (demo data).
    """
    from dgov.services import guide

    district: Any = item.district_id if item is not None else data.get("district") or getattr(by, "district", None)
    if by is not None:
        enforce(may_manage_catalogue(by, district))
    materials = [dict(m) for m in materials]
    procedures = [dict(p) for p in procedures]
    values = version_values(data)
    problems = check_guide(data, materials)
    if complete:
        files = GuideFile.objects.current().filter(item=item).defer("data") if item is not None else []
        problems += guide.refusals(guide.lint(values, materials, files))
    if problems:
        raise ValidationError(problems, code="guide")
    with transaction.atomic():
        if item is None:
            code = str(data.get("code", "")).strip()
            if not code:
                raise ValidationError(_("Give the implementation code."), code="code")
            if ServiceItem.objects.filter(district=district, code=code).exists():
                raise ValidationError(
                    _("An item with the implementation code %(code)s exists already."),
                    code="code_taken",
                    params={"code": code},
                )
            item = ServiceItem.objects.create(district=district, code=code)
            previous = None
        else:
            item = ServiceItem.objects.select_for_update().get(pk=item.pk)
            previous = item.current_version
        before = _version_snapshot(previous)
        number = (item.versions.aggregate(last=Max("number"))["last"] or 0) + 1
        version = ServiceItemVersion(item=item, number=number, created_by=by, **values)
        rows = [
            Material(order=order, **{f: m[f] for f in MATERIAL_FIELDS if f in m})
            for order, m in enumerate(materials, start=1)
        ]
        steps = [
            SpecialProcedure(order=order, **{f: p[f] for f in PROCEDURE_FIELDS if f in p})
            for order, p in enumerate(procedures, start=1)
        ]
        _validate(version, rows, steps)
        version.save()
        for row in rows:
            row.version = version
        for step in steps:
            step.version = version
        Material.objects.bulk_create(rows)
        SpecialProcedure.objects.bulk_create(steps)
        item.current_version = version
        item.save(update_fields=["current_version"])
        search.reindex([item])
        changes: dict[str, Any] = diff(before, proposed_snapshot(data, materials, procedures))
        changes["version"] = [previous.number if previous else None, number]
        record("service_item.publish", item, actor=by, changes=changes)
        item.refresh_from_db()
        return item


def _validate(version: ServiceItemVersion, materials: list[Material], procedures: list[SpecialProcedure]) -> None:
    """Field validation of everything a publish writes; one error lists every problem."""
    problems: list[str] = []
    checks: list[tuple[Any, list[str], str]] = [(version, ["item", "created_by"], "")]
    checks += [(m, ["version"], m.name or "?") for m in materials]
    checks += [(p, ["version"], p.name or "?") for p in procedures]
    for obj, exclude, label in checks:
        try:
            obj.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                where = str(obj._meta.get_field(name).verbose_name) if name != "__all__" else ""
                prefix = " · ".join(part for part in (label, where) if part)
                problems += [f"{prefix}: {message}" if prefix else message for message in messages]
    if problems:
        raise ValidationError(problems, code="invalid")


def do_set_event_items(event: Event, items: Iterable[ServiceItem], *, by: User | None = None) -> None:
    """Make ``items`` exactly the items of ``event``; their search text follows. ``by``
    None: the platform itself (demo data)."""
    if by is not None:
        enforce(may_manage_catalogue(by, event.district_id))
    with transaction.atomic():
        before = set(event.items.values_list("pk", flat=True))
        wanted = {item.pk for item in items}
        if before == wanted:
            return
        event.items.set(wanted)
        search.reindex(ServiceItem.objects.filter(pk__in=before | wanted))
        record(
            "service_event.set_items",
            event,
            actor=by,
            changes={"added": sorted(wanted - before), "removed": sorted(before - wanted)},
        )


@dataclass
class ImportResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


def do_import_catalogue(district: Any, items: Iterable[Any], *, by: User) -> ImportResult:
    """Publish every item of a parsed workbook (``spreadsheet.parse_catalogue``) whose
    guide differs from its current version; new codes become new items.

    All or nothing: any item whose guide fails ``check_guide`` or validation makes the
    whole import raise ``ImportRejected`` listing every problem, item by item.
    """
    enforce(may_manage_catalogue(by, district))
    items = list(items)
    problems = []
    for parsed in items:
        problems += [f"{parsed.code}: {problem}" for problem in check_guide(parsed.data, parsed.materials)]
    if problems:
        raise ImportRejected(problems)
    result = ImportResult()
    with transaction.atomic():
        existing = {
            item.code: item
            for item in ServiceItem.objects.filter(district=district, code__in=[p.code for p in items])
            .select_related("current_version")
            .prefetch_related("current_version__materials", "current_version__procedures")
        }
        for parsed in items:
            item = existing.get(parsed.code)
            if (
                item is not None
                and item.current_version
                and is_unchanged(item, parsed.data, parsed.materials, parsed.procedures)
            ):
                result.unchanged.append(parsed.code)
                continue
            try:
                do_publish_version(
                    item,
                    dict(parsed.data, district=district),
                    parsed.materials,
                    parsed.procedures,
                    by,
                    complete=True,
                )
            except ValidationError as error:
                problems += [f"{parsed.code}: {message}" for message in error.messages]
                continue
            (result.updated if item is not None else result.created).append(parsed.code)
        if problems:
            raise ImportRejected(problems)
        record(
            "service_catalogue.import",
            None,
            actor=by,
            district=district,
            changes={"created": result.created, "updated": result.updated, "unchanged": len(result.unchanged)},
        )
    return result
