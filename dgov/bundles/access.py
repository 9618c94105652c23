"""Who may open the pages of ``dgov.bundles`` (``dgov.lib.access``)."""

from dgov.lib.access import ANY_SIGNED_IN, ANY_STAFF, POST_ONLY, PUBLIC, Seen

# Who may open each route of this app with GET: the role × URL matrix holds every
# persona's answer against it (``dgov.lib.access``, decision 0025).
VIEWS: dict[str, Seen] = {
    "api/v1/bundles/applications/<number>": Seen(ok="", rest="404", anonymous="401"),
    "bundles/": PUBLIC,
    "bundles/mine/": ANY_SIGNED_IN,
    "bundles/intake/": ANY_STAFF,
    "bundles/window/new/": Seen(ok="window_clerk"),
    "bundles/manage/": Seen(ok="administrator"),
    "bundles/manage/new/": Seen(ok="administrator"),
    "bundles/manage/<int:pk>/": Seen(ok="administrator"),
    "bundles/applications/<int:pk>/": Seen(
        ok="window_clerk seal_officer centre_supervisor district_leader auditor citizen",
        elsewhere="window_clerk seal_officer centre_supervisor district_leader auditor enterprise",
        rest="404",
    ),
    "bundles/applications/<int:pk>/<slug:action>/": POST_ONLY,
    "bundles/<slug:code>/": Seen(ok="citizen enterprise", rest="404", anonymous="404"),
    "bundles/<slug:code>/apply/": Seen(ok="citizen enterprise", rest="404"),
}
