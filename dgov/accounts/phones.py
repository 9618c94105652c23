"""Mobile numbers as people type them.

A phone keyboard in Chinese input mode types full-width digits (１３８…), people add
spaces, hyphens or the country code (+86, 0086). ``normalise_mobile`` folds all of that to
the 11 ASCII digits we store and send to, and refuses anything else with a message that
says what a mobile number looks like.
"""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MOBILE = re.compile(r"1[3-9]\d{9}")
_SEPARATORS = re.compile(r"[\s\-–—()（）.·]")

NOT_DIGITS = _("Write the mobile number with the digits 0–9 only.")
NOT_MOBILE = _("A mobile number has 11 digits and starts with 1, for example 13812345678.")


def normalise_mobile(value: str) -> str:
    """The 11 ASCII digits of a mainland mobile number typed as ``value``.

    1. NFKC folds full-width characters (１３８, ＋) to ASCII; separators are dropped.
    2. A leading +86, 0086 or 86 before 11 digits is the country code.
    3. What is left must be 11 ASCII digits starting with 1 and a network digit 3–9.
    """
    text = _SEPARATORS.sub("", unicodedata.normalize("NFKC", value or ""))
    for prefix in ("+86", "0086", "86"):
        if text.startswith(prefix) and len(text) == len(prefix) + 11:
            text = text[len(prefix) :]
            break
    if not (text.isascii() and text.isdigit()):
        raise ValidationError(NOT_DIGITS, code="not_digits")
    if not MOBILE.fullmatch(text):
        raise ValidationError(NOT_MOBILE, code="not_mobile")
    return text


def normalise_digits(value: str) -> str:
    """``value`` with full-width digits folded to ASCII and spaces dropped (a typed code)."""
    return "".join(unicodedata.normalize("NFKC", value or "").split())
