"""axe-core (vendored: ``dgov/static/vendor/axe.min.js``, see ``axe.LICENSE``) run on the
page a browser test has open.

The script is evaluated through the DevTools protocol, which the page's Content Security
Policy does not govern, so the pages are tested with their real policy in force.
"""

from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings

BLOCKING = ("serious", "critical")
RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 3).map(n => n.target.join(" ") + " " + n.html.slice(0, 120)),
  }));
}"""


@cache
def source() -> str:
    return (Path(settings.BASE_DIR) / "dgov" / "static" / "vendor" / "axe.min.js").read_text(encoding="utf-8")


def serious_violations(page: Any) -> list[str]:
    """The serious and critical findings on the open page, one line each."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(source())
    return [
        f"{page.url}: {v['impact']} {v['id']} ({v['help']}): {' | '.join(v['nodes'])}"
        for v in page.evaluate(RUN)
        if v["impact"] in BLOCKING
    ]
