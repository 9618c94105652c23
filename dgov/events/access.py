"""Who may open the pages of ``dgov.events`` (``dgov.lib.access``)."""

from dgov.lib.access import POST_ONLY, Seen

# Who may open each route of this app with GET: the role × URL matrix holds every
# persona's answer against it (``dgov.lib.access``, decision 0025).
VIEWS: dict[str, Seen] = {
    "api/v1/events/targets": Seen(ok="project_secretary investment_officer inspector district_leader", anonymous="401"),
    "api/v1/events/follow-ups": Seen(
        ok="project_secretary investment_officer inspector district_leader", anonymous="401"
    ),
    "events/": Seen(ok="project_secretary investment_officer inspector district_leader"),
    "events/<int:pk>/": Seen(ok="project_secretary investment_officer inspector district_leader"),
    "events/follow-ups/": Seen(ok="project_secretary investment_officer inspector district_leader"),
    "events/follow-ups/<int:pk>/done/": POST_ONLY,
    "events/targets/": Seen(ok="project_secretary investment_officer inspector district_leader"),
    "events/starts/": Seen(ok="project_secretary investment_officer inspector district_leader"),
    "events/starts/<int:pk>/": Seen(ok="project_secretary investment_officer inspector district_leader"),
    "events/starts/<int:pk>/hold/": POST_ONLY,
}
