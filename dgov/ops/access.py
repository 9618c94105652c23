"""Who may open the pages of ``dgov.ops`` (``dgov.lib.access``)."""

from dgov.lib.access import PUBLIC, Seen

# Who may open each route of this app with GET: the role × URL matrix holds every
# persona's answer against it (``dgov.lib.access``, decision 0025).
VIEWS: dict[str, Seen] = {
    "metrics": PUBLIC,
}
