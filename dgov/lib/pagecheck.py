"""What every page must hold to, checked from its HTML (issue 13, item 4).

``problems(html)`` lists, in words, each place a page breaks one of these:

- an element ``id`` used twice (two forms on one page both rendering ``id_reason``);
- a form control a screen reader cannot name: no ``<label for>``, no wrapping
  ``<label>``, no ``aria-label``/``aria-labelledby``/``title``;
- a literal ``None`` shown as text (a null field rendered without ``|default``);
- an audit verb shown as its code (``auth.login``) instead of its name.

The crawl (``tests/crawl``) runs it on every page each demo role reaches; pages with
several forms have their own tests. The browser tests run axe-core for the rest.
"""

from collections import Counter
from html.parser import HTMLParser

from dgov.audit.verbs import VERBS

# Controls that need a name; hidden inputs and buttons (named by their text) do not.
_UNNAMED_OK_TYPES = {"hidden", "submit", "button", "reset", "image"}
_NAMING_ATTRS = ("aria-label", "aria-labelledby", "title")


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: Counter[str] = Counter()
        self.label_for: set[str] = set()
        self.controls: list[tuple[str, str, bool]] = []  # (description, id, named otherwise)
        self.texts: list[str] = []
        self._label_depth = 0
        self._skip_text = 0  # inside <script>/<style>/<code>

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.ids[a["id"] or ""] += 1
        if tag == "label":
            self._label_depth += 1
            if a.get("for"):
                self.label_for.add(a["for"] or "")
        elif tag in ("script", "style", "code", "pre", "textarea"):
            self._skip_text += 1
        if tag in ("input", "select", "textarea"):
            kind = (a.get("type") or "text").lower() if tag == "input" else tag
            if kind in _UNNAMED_OK_TYPES:
                return
            named = self._label_depth > 0 or any(a.get(attr) for attr in _NAMING_ATTRS)
            self.controls.append((f"<{tag} name={a.get('name')!r} type={kind!r}>", a.get("id") or "", named))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag in ("script", "style", "code", "pre", "textarea", "label"):
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag == "label" and self._label_depth:
            self._label_depth -= 1
        elif tag in ("script", "style", "code", "pre", "textarea") and self._skip_text:
            self._skip_text -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip_text and data.strip():
            self.texts.append(data.strip())


def problems(html: str) -> list[str]:
    page = _Page()
    page.feed(html)
    page.close()
    found = [f"id {name!r} used {count} times" for name, count in sorted(page.ids.items()) if count > 1]
    found += [
        f"unlabelled control {description}"
        for description, element_id, named in page.controls
        if not named and not (element_id and element_id in page.label_for)
    ]
    for text in page.texts:
        if text == "None":
            found.append("literal 'None' shown")
        elif text in VERBS:
            found.append(f"code {text!r} shown instead of its name")
    return found
