"""Who may open the pages of ``dgov.api`` (``dgov.lib.access``)."""

from dgov.lib.access import PUBLIC, Seen

# Who may open each route of this app with GET: the role × URL matrix holds every
# persona's answer against it (``dgov.lib.access``, decision 0025).
VIEWS: dict[str, Seen] = {
    "api/openapi.json": PUBLIC,
    "api/": Seen(rest="404", anonymous="404"),
}
