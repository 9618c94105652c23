"""Catalogue data in the visitor's language.

The catalogue is written in Simplified Chinese. Where a human translation is stored (the
``*_en`` fields: an item's name and keywords, a department's and an event's name), English
pages show it; Traditional Chinese pages show the stored text converted by OpenCC (``s2t``,
phrases included), which needs no second copy to keep in step; everything else shows the
stored text as it is.
"""

from functools import lru_cache
from typing import Any

from django.utils.translation import get_language
from opencc import OpenCC


@lru_cache(maxsize=1)
def _s2t() -> OpenCC:
    return OpenCC("s2t")


@lru_cache(maxsize=50_000)
def traditional(text: str) -> str:
    """``text`` in Traditional Chinese characters (cached: catalogue text repeats)."""
    return _s2t().convert(text) if text else text


def localised(obj: Any, field: str = "name", language: str | None = None) -> str:
    """``obj.<field>`` in ``language`` (default: the active one); see the module docstring."""
    value = str(getattr(obj, field, "") or "")
    language = (language or get_language() or "").lower()
    if language.startswith("en"):
        return str(getattr(obj, f"{field}_en", "") or "") or value
    if language in ("zh-hant", "zh-tw", "zh-hk"):
        return traditional(value)
    return value
