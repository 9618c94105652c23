"""Who may open the pages of ``dgov.documents`` (``dgov.lib.access``)."""

from dgov.lib.access import ANY_SIGNED_IN, POST_ONLY, Seen

# Who may open each route of this app with GET: the role × URL matrix holds every
# persona's answer against it (``dgov.lib.access``, decision 0025).
VIEWS: dict[str, Seen] = {
    "documents/": ANY_SIGNED_IN,
    "documents/upload/": POST_ONLY,
    "documents/<int:pk>/download/": Seen(
        ok="window_clerk reviewer department_approver seal_officer centre_supervisor citizen",
        elsewhere="window_clerk seal_officer centre_supervisor enterprise",
        rest="404",
    ),
}
