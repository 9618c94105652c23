"""Catalogue search that understands how people ask.

1. Query and indexed text are both converted to Simplified Chinese (OpenCC ``t2s``) and
   lower-cased, so 開飯店 and 开饭店 give the same results.
2. Each item keeps a denormalised ``search_text`` of three lines: its name (Chinese,
   English, pinyin and pinyin initials), its keywords (the same four ways: 开饭店
   kaifandian kfd restaurant …), then its department and events. Pinyin comes from
   ``pypinyin`` (its phrase dictionary picks the usual reading of a polyphonic character).
3. Every whitespace-separated query term must occur as a substring (partial words match;
   an English term loses a final "s", so "restaurants" finds "restaurant"). On a few
   thousand items that is one scan of a small table.
4. Matches are ranked in Python (``rank_key``): a term in the name counts most, then a
   whole keyword, then part of a keyword, then elsewhere; ties go to the item that lists
   the keyword earlier, then to the shorter name, then to the code.
5. When nothing is found, ``did_you_mean`` proposes the nearest names and keywords the
   catalogue knows (Chinese, pinyin or English, ``difflib``), and the page shows the items
   most applied for.
"""

import datetime as dt
import difflib
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from opencc import OpenCC
from pypinyin import Style, lazy_pinyin

if TYPE_CHECKING:
    from dgov.services.models import ServiceItem, ServiceItemVersion

MAX_TERMS = 8
MAX_QUERY_LENGTH = 100
NAME, KEYWORDS, OTHER = 0, 1, 2
WEIGHTS = {NAME: 100, KEYWORDS: 10, OTHER: 1}
SEGMENT = " | "  # between the ways of writing one line (Chinese | English | pinyin | initials)
_HAN = re.compile(r"[\u3400-\u9fff]")
_WORD = re.compile(r"[a-z][a-z'\-]+")


@lru_cache(maxsize=1)
def _converter() -> OpenCC:
    return OpenCC("t2s")


def normalise(text: str) -> str:
    """Simplified Chinese, lower case, whitespace collapsed to single spaces."""
    return " ".join(_converter().convert(text).lower().split())


def _stem(term: str) -> str:
    """An English plural's stem ("restaurants" → "restaurant"): a substring of both."""
    if len(term) > 3 and term.isascii() and term.isalpha() and term.endswith("s") and not term.endswith("ss"):
        return term[:-1]
    return term


def terms_of(query: str) -> list[str]:
    seen: list[str] = []
    for term in normalise(query[:MAX_QUERY_LENGTH].replace("|", " ")).split():
        term = _stem(term)
        if term not in seen:
            seen.append(term)
    return seen[:MAX_TERMS]


@lru_cache(maxsize=20_000)
def pinyin(text: str) -> str:
    """``开饭店`` → ``kaifandian``; characters that are not Chinese are left out."""
    return "".join(lazy_pinyin(text, errors="ignore")) if _HAN.search(text) else ""


@lru_cache(maxsize=20_000)
def initials(text: str) -> str:
    """``开饭店`` → ``kfd``."""
    return "".join(lazy_pinyin(text, style=Style.FIRST_LETTER, errors="ignore")) if _HAN.search(text) else ""


def _ways(words: Iterable[str], english: str) -> str:
    """One line of the index: the words, the English, then the pinyin and initials of each
    word, segment by segment (the first segment is what ``rank_key`` positions against)."""
    words = [w for w in words if w]
    return SEGMENT.join(
        [
            " ".join(words),
            english,
            " ".join(filter(None, (pinyin(w) for w in words))),
            " ".join(filter(None, (initials(w) for w in words))),
        ]
    )


def index_text(version: "ServiceItemVersion", event_names: Iterable[str] = ()) -> str:
    """The ``search_text`` of an item whose current version is ``version``
    (``event_names``: its events' names, Chinese and English)."""
    name = normalise(version.name)
    keywords = normalise(version.keywords).split()
    department = version.department
    lines = [
        _ways([name], normalise(version.name_en)),
        _ways(keywords, normalise(version.keywords_en)),
        normalise(" ".join([department.name, department.name_en, *event_names])),
    ]
    return "\n".join(lines)


_deferred: ContextVar[set[int] | None] = ContextVar("search_deferred", default=None)


@contextmanager
def deferred() -> Iterator[None]:
    """Within the block, ``reindex`` only notes the items; each is reindexed once when the
    block ends without an error (a catalogue load publishes ~100 items and sets the events:
    one pass instead of one per publish and per event). Use it inside the transaction."""
    pending: set[int] = set()
    token = _deferred.set(pending)
    try:
        yield
    finally:
        _deferred.reset(token)
    if pending:
        reindex_now(pending)


def reindex(items: Iterable["ServiceItem"]) -> None:
    """Rebuild ``search_text`` of published items (after a publish or an event change)."""
    pks = {item.pk for item in items}
    pending = _deferred.get()
    if pending is not None:
        pending.update(pks)
    else:
        reindex_now(pks)


def reindex_now(pks: set[int]) -> None:
    from dgov.services.models import ServiceItem

    rows = (
        ServiceItem.objects.filter(pk__in=pks, current_version__isnull=False)
        .select_related("current_version__department")
        .prefetch_related("events")
    )
    for item in rows:
        assert item.current_version is not None
        events = [name for event in item.events.all() for name in (event.name, event.name_en) if name]
        text = index_text(item.current_version, events)
        if text != item.search_text:
            ServiceItem.objects.filter(pk=item.pk).update(search_text=text)


def rank_key(search_text: str, terms: list[str]) -> tuple[int, int, int]:
    """Best first: higher score, then the earlier the first term sits among the keywords
    (keywords are listed most typical first, in every way of writing them), then the
    shorter name.

    The score: per term 100 when it is in the name, 10 in the keywords (10 more for a whole
    keyword: a whole colloquial name beats part of one), 1 elsewhere; 1000 more when the
    query is one of the name's ways of writing exactly. Every candidate is ranked, so this
    runs a few thousand times per search on a big catalogue: one pass over the text, the
    keywords split only when a term is among them (bench/services_search.py, 30,000 items).
    """
    name, _, rest = search_text.partition("\n")
    keywords = rest.partition("\n")[0]
    total = 0
    whole: set[str] | None = None
    for term in terms:
        if term in name:
            total += WEIGHTS[NAME]
        elif term in keywords:
            total += WEIGHTS[KEYWORDS]
            if whole is None:
                whole = set(keywords.replace(SEGMENT, " ").split())
            if term in whole:
                total += WEIGHTS[KEYWORDS]
        else:
            total += WEIGHTS[OTHER]
    wanted = " ".join(terms)
    if wanted in name and any(segment.strip() == wanted for segment in name.split(SEGMENT)):
        total += 1000
    position = len(keywords)
    first = terms[0]
    if first in keywords:
        for segment in keywords.split(SEGMENT):
            found = next((i for i, token in enumerate(segment.split()) if first in token), None)
            if found is not None:
                position = min(position, found)
    return (-total, position, len(name.partition(SEGMENT)[0]))


@dataclass
class Results:
    terms: list[str]
    total: int
    items: list["ServiceItem"]


def _candidates(items: Any, terms: list[str]) -> Any:
    candidates = items.published()
    for term in terms:
        candidates = candidates.filter(search_text__contains=term)
    return candidates


def search(items: Any, query: str, *, limit: int = 50) -> Results:
    """Rank the published items of ``items`` (a ServiceItem queryset) against ``query``.

    Two queries: the candidates' ``search_text``, then the ``limit`` best with their
    current version and department.
    """
    terms = terms_of(query)
    if not terms:
        return Results(terms=[], total=0, items=[])
    ranked = sorted(
        _candidates(items, terms).values_list("pk", "search_text", "code"),
        key=lambda row: (*rank_key(row[1], terms), row[2]),
    )
    best = [pk for pk, _text, _code in ranked[:limit]]
    by_pk = {item.pk: item for item in items.filter(pk__in=best).select_related("current_version__department")}
    return Results(terms=terms, total=len(ranked), items=[by_pk[pk] for pk in best if pk in by_pk])


# -- When nothing is found -----------------------------------------------------------------


def _vocabulary(district_id: int) -> dict[str, str]:
    """{way of writing: word to propose} over the names and keywords of the district's
    published items: each Chinese word by itself and by its pinyin, each English word.
    Cached until the catalogue changes (its newest version and its size are the key)."""
    from django.core.cache import cache
    from django.db.models import Count, Max

    from dgov.services.models import ServiceItem

    published = ServiceItem.objects.published().filter(district_id=district_id)
    stamp = published.aggregate(last=Max("current_version_id"), n=Count("pk"))
    key = f"services.vocabulary:{district_id}:{stamp['last']}:{stamp['n']}"
    vocabulary = cache.get(key)
    if vocabulary is not None:
        return vocabulary  # type: ignore[no-any-return]
    vocabulary = {}
    rows = published.values_list(
        "current_version__name",
        "current_version__keywords",
        "current_version__name_en",
        "current_version__keywords_en",
    )
    for name, keywords, name_en, keywords_en in rows:
        for word in [normalise(name), *normalise(keywords).split()]:
            vocabulary.setdefault(word, word)
            if pinyin(word):
                vocabulary.setdefault(pinyin(word), word)
        for word in _WORD.findall(normalise(f"{name_en} {keywords_en}")):
            if len(word) > 2:
                vocabulary.setdefault(word, word)
    cache.set(key, vocabulary, 3600)
    return vocabulary


def _closest(term: str, vocabulary: dict[str, str]) -> list[str]:
    cutoff = 0.75 if term.isascii() else 0.6
    return [vocabulary[word] for word in difflib.get_close_matches(term, list(vocabulary), n=3, cutoff=cutoff)]


def did_you_mean(items: Any, district_id: int, query: str, *, limit: int = 3) -> list[str]:
    """Queries close to ``query`` that find something: each term that finds nothing on its
    own is replaced by the nearest words of the catalogue (at most ``limit`` proposals)."""
    terms = terms_of(query)
    if not terms:
        return []
    vocabulary = _vocabulary(district_id)
    options: list[list[str]] = []
    for term in terms:
        if _candidates(items, [term]).exists():
            options.append([term])
        else:
            close = _closest(term, vocabulary)
            if not close:
                return []
            options.append(close)
    proposals: list[str] = []
    for first in options[0]:
        proposal = [first] + [choices[0] for choices in options[1:]]
        text = " ".join(proposal)
        if text not in proposals and text != " ".join(terms) and _candidates(items, terms_of(text)).exists():
            proposals.append(text)
        if len(proposals) >= limit:
            break
    return proposals


def most_asked(district_id: int, *, limit: int = 8, days: int = 365) -> list["ServiceItem"]:
    """The published items most applied for in the last ``days`` (cached ten minutes);
    the catalogue's first items while there are no applications yet."""
    from django.core.cache import cache
    from django.db.models import Count, Q

    from dgov.lib import clock
    from dgov.services.models import ServiceItem

    key = f"services.most_asked:{district_id}:{limit}"
    pks = cache.get(key)
    if pks is None:
        since = clock.today() - dt.timedelta(days=days)
        ranked = (
            ServiceItem.objects.published()
            .filter(district_id=district_id)
            .annotate(n=Count("applications", filter=Q(applications__received_on__gte=since)))
            .order_by("-n", "code")
            .values_list("pk", flat=True)[:limit]
        )
        pks = list(ranked)
        cache.set(key, pks, 600)
    by_pk = ServiceItem.objects.select_related("current_version__department").in_bulk(pks)
    return [by_pk[pk] for pk in pks if pk in by_pk]


# -- Hot searches ----------------------------------------------------------------------------

HOT_TERM_LENGTH = 20


def log_search(district_id: int, query: str, found: int) -> None:
    """Remember a query that found something, for the hot searches (append-only: no row
    every searcher would update)."""
    from dgov.lib import clock
    from dgov.services.models import SearchLog

    term = " ".join(terms_of(query))
    if found and 0 < len(term) <= HOT_TERM_LENGTH:
        SearchLog.objects.create(district_id=district_id, term=term, at=clock.now())


def hot_searches(district_id: int, *, limit: int = 8, days: int = 30) -> list[str]:
    """The queries most asked in the last ``days`` (at least twice), cached ten minutes;
    while there are too few, the first keywords of the most applied-for items."""
    from django.core.cache import cache
    from django.db.models import Count

    from dgov.lib import clock
    from dgov.services.models import SearchLog

    key = f"services.hot_searches:{district_id}:{limit}"
    terms = cache.get(key)
    if terms is None:
        since = clock.now() - dt.timedelta(days=days)
        rows = (
            SearchLog.objects.filter(district_id=district_id, at__gte=since)
            .values("term")
            .annotate(n=Count("pk"))
            .filter(n__gte=2)
            .order_by("-n", "term")[:limit]
        )
        terms = [row["term"] for row in rows]
        for item in most_asked(district_id, limit=limit * 2):
            if len(terms) >= limit:
                break
            version = item.current_version
            word = version.keyword_list[0] if version and version.keyword_list else (version.name if version else "")
            if word and word not in terms:
                terms.append(word)
        cache.set(key, terms, 600)
    return list(terms)


def prune_search_log(now: dt.datetime, keep_days: int = 90) -> int:
    """Job: forget searches older than ``keep_days``."""
    from dgov.services.models import SearchLog

    deleted, _rows = SearchLog.objects.filter(at__lt=now - dt.timedelta(days=keep_days)).delete()
    return deleted
