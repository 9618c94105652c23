"""Developer aid: fill zh_Hans msgstr from a Python dict file (``T = {...}``)."""

import sys
from pathlib import Path

import polib

namespace: dict = {}
exec(Path(sys.argv[1]).read_text(encoding="utf-8"), namespace)  # noqa: S102 — developer's own file
table = namespace["T"]
po = polib.pofile("locale/zh_Hans/LC_MESSAGES/django.po")
filled = 0
for entry in po:
    if entry.msgid in table:
        entry.msgstr = table[entry.msgid]
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
        filled += 1
po.save()
print(f"filled {filled}")
