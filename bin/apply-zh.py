"""Developer aid: fill zh_Hans msgstr from a Python dict file (``T = {...}``).

A plural entry takes the one Chinese form for all counts; a msgid written with ``%%`` (a
literal percent sign in a ``blocktranslate`` with variables) matches a key written with
``%``, and its translation is escaped the same way."""

import sys
from pathlib import Path

import polib

namespace: dict = {}
exec(Path(sys.argv[1]).read_text(encoding="utf-8"), namespace)  # noqa: S102 — developer's own file
table = namespace["T"]
po = polib.pofile("locale/zh_Hans/LC_MESSAGES/django.po")
filled = 0
for entry in po:
    # A key "context\x04msgid" fills the entry of that context (pgettext) only.
    key = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
    value = table.get(key)
    if value is None and "%%" in entry.msgid:
        plain = table.get(entry.msgid.replace("%%", "%"))
        value = plain.replace("%", "%%") if plain is not None else None
    if value is None:
        continue
    if entry.msgid_plural:
        entry.msgstr_plural = {0: value}
    else:
        entry.msgstr = value
    if "fuzzy" in entry.flags:
        entry.flags.remove("fuzzy")
    filled += 1
po.save()
print(f"filled {filled}")
