"""Catalogue search that understands how people ask.

1. Query and indexed text are both converted to Simplified Chinese (OpenCC ``t2s``) and
   lower-cased, so 開飯店 and 开饭店 give the same results.
2. Each item keeps a denormalised ``search_text``: its name, its keywords and
   colloquial names (开饭店 开餐馆 …), then its department and events, one per line.
3. Every whitespace-separated query term must occur as a substring (partial words
   match). On a few thousand items that is one scan of a small table.
4. Matches are ranked in Python (``rank_key``): a term in the name counts most, then a
   whole keyword, then part of a keyword, then elsewhere; ties go to the item that lists
   the keyword earlier, then to the shorter name, then to the code.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from opencc import OpenCC

if TYPE_CHECKING:
    from dgov.services.models import ServiceItem, ServiceItemVersion

MAX_TERMS = 8
MAX_QUERY_LENGTH = 100
NAME, KEYWORDS, OTHER = 0, 1, 2
WEIGHTS = {NAME: 100, KEYWORDS: 10, OTHER: 1}


@lru_cache(maxsize=1)
def _converter() -> OpenCC:
    return OpenCC("t2s")


def normalise(text: str) -> str:
    """Simplified Chinese, lower case, whitespace collapsed to single spaces."""
    return " ".join(_converter().convert(text).lower().split())


def terms_of(query: str) -> list[str]:
    seen: list[str] = []
    for term in normalise(query[:MAX_QUERY_LENGTH]).split():
        if term not in seen:
            seen.append(term)
    return seen[:MAX_TERMS]


def index_text(version: "ServiceItemVersion", event_names: Iterable[str] = ()) -> str:
    """The ``search_text`` of an item whose current version is ``version``."""
    lines = [
        version.name,
        version.keywords,
        " ".join([version.department.name, *event_names]),
    ]
    return "\n".join(normalise(line) for line in lines)


def reindex(items: Iterable["ServiceItem"]) -> None:
    """Rebuild ``search_text`` of published items (after a publish or an event change)."""
    from dgov.services.models import ServiceItem

    pks = [item.pk for item in items]
    rows = (
        ServiceItem.objects.filter(pk__in=pks, current_version__isnull=False)
        .select_related("current_version__department")
        .prefetch_related("events")
    )
    for item in rows:
        assert item.current_version is not None
        text = index_text(item.current_version, (event.name for event in item.events.all()))
        if text != item.search_text:
            ServiceItem.objects.filter(pk=item.pk).update(search_text=text)


def score(search_text: str, terms: list[str]) -> int:
    parts = (search_text.split("\n", 2) + ["", ""])[:3]
    total = 0
    for term in terms:
        where = next((field for field in (NAME, KEYWORDS, OTHER) if term in parts[field]), OTHER)
        total += WEIGHTS[where]
        if where == KEYWORDS and term in parts[KEYWORDS].split():
            total += WEIGHTS[KEYWORDS]  # a whole colloquial name beats part of one
    if parts[NAME] == " ".join(terms):
        total += 1000
    return total


def rank_key(search_text: str, terms: list[str]) -> tuple[int, int, int]:
    """Best first: higher score, then the earlier the first term sits among the keywords
    (keywords are listed most typical first), then the shorter name."""
    name, _, rest = search_text.partition("\n")
    keywords = rest.partition("\n")[0]
    position = keywords.find(terms[0])
    return (-score(search_text, terms), position if position >= 0 else len(keywords), len(name))


@dataclass
class Results:
    terms: list[str]
    total: int
    items: list["ServiceItem"]


def search(items: Any, query: str, *, limit: int = 50) -> Results:
    """Rank the published items of ``items`` (a ServiceItem queryset) against ``query``.

    Two queries: the candidates' ``search_text``, then the ``limit`` best with their
    current version and department.
    """
    terms = terms_of(query)
    if not terms:
        return Results(terms=[], total=0, items=[])
    candidates = items.published()
    for term in terms:
        candidates = candidates.filter(search_text__contains=term)
    ranked = sorted(
        candidates.values_list("pk", "search_text", "code"),
        key=lambda row: (*rank_key(row[1], terms), row[2]),
    )
    best = [pk for pk, _text, _code in ranked[:limit]]
    by_pk = {item.pk: item for item in items.filter(pk__in=best).select_related("current_version__department")}
    return Results(terms=terms, total=len(ranked), items=[by_pk[pk] for pk in best if pk in by_pk])
