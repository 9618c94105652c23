"""Who may open the pages of ``dgov.exports`` (``dgov.lib.access``)."""

from dgov.lib.access import ANY_STAFF, Seen

# Who may open each route of this app with GET: the role × URL matrix holds every
# persona's answer against it (``dgov.lib.access``, decision 0025).
VIEWS: dict[str, Seen] = {
    "exports/": ANY_STAFF,
    "exports/jobs/<int:pk>/": Seen(rest="404", odd={"citizen": "no", "enterprise": "no"}),
    "exports/jobs/<int:pk>/file/": Seen(rest="404", odd={"citizen": "no", "enterprise": "no"}),
    "exports/<str:name>.<str:fmt>": Seen(rest="404", odd={"citizen": "no", "enterprise": "no"}),
}
