"""Who may open the pages of ``dgov.workdays`` (``dgov.lib.access``)."""

from dgov.lib.access import ANY_SIGNED_IN, Seen

# Who may open each route of this app with GET: the role × URL matrix holds every
# persona's answer against it (``dgov.lib.access``, decision 0025).
VIEWS: dict[str, Seen] = {
    "calendar/": ANY_SIGNED_IN,
    "calendar/<int:year>/": Seen(rest="404", odd={"citizen": "no", "enterprise": "no"}),
    "calendar/day/": Seen(ok="administrator"),
    "calendar/import/": Seen(ok="administrator"),
    "calendar/api/add": Seen(rest="400", anonymous="400"),
    "calendar/api/between": Seen(rest="400", anonymous="400"),
}
