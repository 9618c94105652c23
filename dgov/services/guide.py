"""What makes a guide (办事指南) complete, and its flow drawn from the item's data.

``lint`` lists what a guide lacks, section by section, in reading order. A finding is
``mandatory`` when the guide may not be published without it (staff pages and the
workbook import refuse it, naming every missing section); the others are advice shown to
the editor before publication and on the catalogue list.

Mandatory (what a person needs to get the thing done, GB/T 32168-style guides):
1. the legal basis and at least one material (the form asks for them already);
2. where to go and when: place and opening hours;
3. whom to ask and where to complain: the two phone numbers;
4. what comes out: the result's name;
5. for an item handled at a window only, which window.

Advice: article numbers in the legal basis, conditions, a blank form and a filled-in
sample of every form the applicant fills in, a sample of the result, the English name.

``flow`` turns the item's data (handling, time limits, special procedures, trips, result,
delivery) into the steps of its flow, and ``flow_svg`` draws them, server-side, as an SVG
without inline styles (CSP): no stored picture goes out of date when the guide changes.
"""

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from dgov.services.models import GuideFileKind, Handling, Material

# 第三十五条, 第35条, Art. 35, Article 35
ARTICLE = re.compile(r"第[一二三四五六七八九十百零〇0-9]+条|\bArt(icle|\.)\s*\d+", re.IGNORECASE)


@dataclass(frozen=True)
class Finding:
    section: str
    message: str
    mandatory: bool


def _text(data: Mapping[str, Any], key: str) -> str:
    return str(data.get(key) or "").strip()


def lint(
    data: Mapping[str, Any],
    materials: Iterable[Mapping[str, Any] | Material],
    files: Iterable[Any] = (),
) -> list[Finding]:
    """Every finding about a guide with the version values ``data``, its ``materials``
    (mappings or ``Material`` rows) and the item's current ``files``; mandatory first."""
    rows = [m if isinstance(m, Mapping) else {f: getattr(m, f) for f in ("name", "source")} for m in materials]
    findings: list[Finding] = []

    def must(section: str, ok: bool, message: str) -> None:
        if not ok:
            findings.append(Finding(section, message, mandatory=True))

    def should(section: str, ok: bool, message: str) -> None:
        if not ok:
            findings.append(Finding(section, message, mandatory=False))

    must(_("Legal basis"), bool(_text(data, "legal_basis")), _("The guide cites no legal basis."))
    must(_("Materials"), bool(rows), _("The guide lists no material."))
    must(_("Place and opening hours"), bool(_text(data, "place")), _("Say where the applicant goes (the place)."))
    must(_("Place and opening hours"), bool(_text(data, "hours")), _("Give the opening hours."))
    must(
        _("Questions and complaints"),
        bool(_text(data, "enquiry_phone")),
        _("Give a phone number for questions."),
    )
    must(
        _("Questions and complaints"),
        bool(_text(data, "complaint_phone")),
        _("Give a phone number for complaints (for example 12345)."),
    )
    must(_("Result"), bool(_text(data, "result_name")), _("Name what the applicant receives (the result)."))
    if data.get("handling") == Handling.WINDOW:
        must(
            _("How to apply"),
            data.get("window") is not None,
            _("The item is handled at a window only: name the window."),
        )

    basis = _text(data, "legal_basis")
    should(
        _("Legal basis"),
        not basis or bool(ARTICLE.search(basis)),
        _("The legal basis names no article (第…条): cite the articles the item rests on."),
    )
    should(_("Conditions"), bool(_text(data, "conditions")), _("Say who can apply and on what conditions."))
    present = {(f.kind, f.material_name) for f in files}
    for row in rows:
        name = str(row.get("name", ""))
        if row.get("source", Material.Source.APPLICANT) != Material.Source.APPLICANT:
            continue
        if not any(word in name for word in Material.FORM_WORDS):
            continue
        should(
            _("Forms and samples"),
            (GuideFileKind.BLANK_FORM, name) in present,
            _("“%(name)s” is a form: offer a blank one to download.") % {"name": name},
        )
        should(
            _("Forms and samples"),
            (GuideFileKind.SAMPLE, name) in present,
            _("“%(name)s” is a form: offer a filled-in sample.") % {"name": name},
        )
    should(
        _("Result"),
        (GuideFileKind.RESULT_SAMPLE, "") in present,
        _("Offer a sample of the result, so the applicant knows what they will receive."),
    )
    should(_("English"), bool(_text(data, "name_en")), _("The item has no English name."))
    return sorted(findings, key=lambda f: not f.mandatory)


def refusals(findings: Iterable[Finding]) -> list[str]:
    """The messages that keep a guide from being published, each naming its section."""
    return [f"{f.section}: {f.message}" for f in findings if f.mandatory]


# -- The flow --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    title: str
    detail: str
    kind: str = "step"  # step, clock (does not count toward the limit), end


def _days(days: int) -> str:
    return ngettext("%(days)d working day", "%(days)d working days", days) % {"days": days}


def flow(version: Any, procedures: Iterable[Any] = ()) -> list[Step]:
    """The steps of ``version``'s flow, from the data of its guide."""
    steps: list[Step] = []
    if version.handling == Handling.ONLINE:
        steps.append(Step(_("Apply online"), _("Upload the materials; data the government holds is fetched.")))
    elif version.handling == Handling.APPOINTMENT:
        steps.append(Step(_("Book an appointment"), _("Choose a time, then bring the materials to the hall.")))
    else:
        window = version.window
        where = _("window %(number)s") % {"number": window.number} if window is not None else _("the window")
        steps.append(Step(_("Apply at %(where)s") % {"where": where}, _("Bring the materials in person.")))
    if version.promised_limit_days == 0:
        steps.append(Step(_("Accepted and decided on the spot"), _("Complete materials in legal form: done at once.")))
    else:
        steps.append(
            Step(
                _("Intake"),
                _("Materials checked; anything missing is listed in one notice within 5 working days."),
            )
        )
        steps.append(Step(_("Review"), str(version.department.name)))
        for procedure in procedures:
            counted = procedure.counts_toward_limit
            steps.append(
                Step(
                    str(procedure.name),
                    (
                        _("At most %(days)s, within the time limit.")
                        if counted
                        else _("At most %(days)s, not counted in the time limit; you are told in writing.")
                    )
                    % {"days": _days(procedure.max_days)},
                    kind="step" if counted else "clock",
                )
            )
        steps.append(
            Step(
                _("Decision"),
                _("Within %(promised)s of acceptance (by law %(legal)s).")
                % {"promised": _days(version.promised_limit_days), "legal": _days(version.legal_limit_days)},
            )
        )
    result = version.result_name or _("the result")
    if version.post_available:
        how = _("Collect %(result)s at the certificate window, or have it posted to you.") % {"result": result}
    else:
        how = _("Collect %(result)s at the certificate window.") % {"result": result}
    steps.append(Step(_("Result"), how, kind="end"))
    return steps


# Geometry of the drawing, in SVG user units: boxes in one column scale down to any phone.
WIDTH, BOX_HEIGHT, GAP, MARGIN, CHARS_PER_LINE = 320, 58, 22, 10, 22


def _lines(text: str, limit: int) -> list[str]:
    """``text`` cut into at most two lines of about ``limit`` CJK characters (an ASCII
    character counts half; English breaks between words), the second shortened with an
    ellipsis when more is left."""
    tokens = re.findall(r"[\x21-\x7e]+\s*|\s+|.", text)
    lines, current, width = [], "", 0.0
    for token in tokens:
        step = sum(0.55 if char.isascii() else 1.0 for char in token)
        if width + step > limit and current.strip():
            lines.append(current.rstrip())
            current, width = "", 0.0
            token = token.lstrip()
            step = sum(0.55 if char.isascii() else 1.0 for char in token)
        current += token
        width += step
    if current.strip():
        lines.append(current.rstrip())
    if len(lines) > 2:
        lines = [lines[0], lines[1].rstrip("，,;； ") + "…"]
    return lines


def flow_svg(steps: list[Step], *, label: str) -> SafeString:
    """The steps as an SVG picture (one column of boxes joined by arrows); ``label`` is
    its accessible name, the steps' text is also in the page as a list."""
    height = MARGIN * 2 + len(steps) * BOX_HEIGHT + (len(steps) - 1) * GAP
    out = [
        f'<svg class="flow" viewBox="0 0 {WIDTH} {height}" role="img" aria-label="{escape(label)}" '
        'xmlns="http://www.w3.org/2000/svg" focusable="false">',
        '<defs><marker id="flow-arrow" viewBox="0 0 10 10" refX="5" refY="5" markerWidth="6" markerHeight="6" '
        'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" class="flow-arrowhead"/></marker></defs>',
    ]
    x, w = MARGIN, WIDTH - 2 * MARGIN
    for number, step in enumerate(steps):
        y = MARGIN + number * (BOX_HEIGHT + GAP)
        out.append(f'<g class="flow-{step.kind}" data-flow-step="{number + 1}">')
        out.append(f'<rect x="{x}" y="{y}" width="{w}" height="{BOX_HEIGHT}" rx="8" class="flow-box"/>')
        title = _lines(step.title, 18)
        shown = title[0] + ("…" if len(title) > 1 else "")
        out.append(f'<text x="{x + 12}" y="{y + 20}" class="flow-title">{number + 1}. {escape(shown)}</text>')
        for line_number, line in enumerate(_lines(step.detail, CHARS_PER_LINE)):
            out.append(f'<text x="{x + 12}" y="{y + 37 + 14 * line_number}" class="flow-detail">{escape(line)}</text>')
        out.append("</g>")
        if number < len(steps) - 1:
            top, bottom = y + BOX_HEIGHT, y + BOX_HEIGHT + GAP
            out.append(
                f'<line x1="{WIDTH // 2}" y1="{top}" x2="{WIDTH // 2}" y2="{bottom - 2}" class="flow-line" '
                'marker-end="url(#flow-arrow)"/>'
            )
    out.append("</svg>")
    return mark_safe("".join(out))  # noqa: S308 — every text above is escaped
