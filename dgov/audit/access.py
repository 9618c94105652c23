"""Who may open the pages of ``dgov.audit`` (``dgov.lib.access``)."""

from dgov.lib.access import POST_ONLY, Seen

# Who may open each route of this app with GET: the role × URL matrix holds every
# persona's answer against it (``dgov.lib.access``, decision 0025).
VIEWS: dict[str, Seen] = {
    "audit/": Seen(ok="centre_supervisor inspector auditor"),
    "audit/rebaseline/": Seen(ok="administrator"),
    "audit/rebaseline/<int:pk>/approve/": POST_ONLY,
}
