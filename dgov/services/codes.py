"""Implementation codes (实施编码) of service items, checked against the structure of
GB/T 39554.1-2020 (政务服务事项基本目录及实施清单 · 编码要求) as the platform applies it
(decision 0019): the code names where, by whom and what is carried out.

    <region>-<agency>-<item>[-<business item>]

1. region (实施区划): the district's GB/T 2260 code, 6 digits, or 12 with the township part;
2. agency (实施主体): the implementing department — its code on the platform, or its
   18-character unified social credit code (GB 32100, check character verified);
3. item (基本编码 of the catalogue entry): 3 to 14 digits or capital letters;
4. business item (业务办理项): 1 to 3 digits, when the item is carried out in several ways.

Segments are joined by "-"; digits and capital Latin letters only. Codes are checked when
an item is created (its code never changes afterwards).
"""

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from dgov.lib.idnumbers import validate_credit_code

SEGMENT = re.compile(r"^[0-9A-Z]+$")
ITEM = re.compile(r"^[0-9A-Z]{3,14}$")
BUSINESS_ITEM = re.compile(r"^[0-9]{1,3}$")


def check_implementation_code(code: str, *, district: Any, department: Any) -> str:
    """The code, stripped, when it has the structure above for an item of ``department`` in
    ``district``; else ``ValidationError`` listing every problem."""
    code = code.strip()
    example = f"{district.code}-{getattr(department, 'code', 'SCJG') or 'SCJG'}-001"
    if not code:
        raise ValidationError(_("Give the implementation code."), code="code")
    parts = code.split("-")
    if not all(parts) or not all(SEGMENT.match(p) for p in parts):
        raise ValidationError(
            _(
                "An implementation code has parts of digits and capital letters joined by “-”, "
                "such as %(example)s; “%(code)s” does not."
            )
            % {"example": example, "code": code},
            code="characters",
        )
    if len(parts) not in (3, 4):
        raise ValidationError(
            _(
                "An implementation code has three or four parts (region, implementing agency, item, "
                "business item if any), such as %(example)s; “%(code)s” has %(n)d."
            )
            % {"example": example, "code": code, "n": len(parts)},
            code="parts",
        )
    region, agency, item = parts[:3]
    problems = []
    if not (region.isdigit() and len(region) in (6, 12) and region.startswith(district.code)):
        problems.append(
            _("The first part is the region: the district's code %(district)s (6 or 12 digits), not “%(part)s”.")
            % {"district": district.code, "part": region}
        )
    if department is not None:
        own = {department.code.upper(), (department.credit_code or "").upper()} - {""}
        if agency not in own:
            problems.append(
                _("The second part is the implementing agency: %(codes)s, not “%(part)s”.")
                % {"codes": " / ".join(sorted(own)), "part": agency}
            )
    if len(agency) == 18 and agency.isalnum():
        try:
            validate_credit_code(agency)
        except ValidationError as error:
            problems.extend(str(m) for m in error.messages)
    if not ITEM.match(item):
        problems.append(
            _("The third part is the item: 3 to 14 digits or capital letters, not “%(part)s”.") % {"part": item}
        )
    if len(parts) == 4 and not BUSINESS_ITEM.match(parts[3]):
        problems.append(_("The fourth part is the business item: 1 to 3 digits, not “%(part)s”.") % {"part": parts[3]})
    if problems:
        raise ValidationError(problems, code="structure")
    return code
