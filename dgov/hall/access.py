"""Who may open the pages of ``dgov.hall`` (``dgov.lib.access``)."""

from dgov.lib.access import POST_ONLY, Seen

# Who may open each route of this app with GET: the role × URL matrix holds every
# persona's answer against it (``dgov.lib.access``, decision 0025).
VIEWS: dict[str, Seen] = {
    "api/v1/hall/queue": Seen(
        ok="window_clerk centre_supervisor inspector district_leader administrator", anonymous="401"
    ),
    "api/v1/hall/figures": Seen(rest="422", anonymous="401"),
    "hall/": Seen(rest="404", anonymous="404"),
    "hall/ticket/<str:token>/": Seen(rest="404", anonymous="404"),
    "hall/ticket/<str:token>/cancel/": POST_ONLY,
    "hall/display/": Seen(rest="404", anonymous="404"),
    "hall/display/board/": Seen(rest="404", anonymous="404"),
    "hall/appointments/": Seen(),
    "hall/appointments/<int:pk>/<slug:action>/": POST_ONLY,
    "hall/window/": Seen(ok="window_clerk"),
    "hall/window/call/": POST_ONLY,
    "hall/tickets/<int:pk>/<slug:action>/": POST_ONLY,
    "hall/setup/": Seen(ok="centre_supervisor administrator"),
    "hall/figures/": Seen(ok="centre_supervisor inspector district_leader"),
}
