"""Who may open the pages of ``dgov.training`` (``dgov.lib.access``)."""

from dgov.lib.access import ANY_STAFF, POST_ONLY, Seen

# Who may open each route of this app with GET: the role × URL matrix holds every
# persona's answer against it (``dgov.lib.access``, decision 0025).
VIEWS: dict[str, Seen] = {
    "api/v1/training/hours": Seen(ok="inspector unit_head district_leader administrator", anonymous="401"),
    "training/": ANY_STAFF,
    "training/attendance/<int:pk>/absence/": POST_ONLY,
    "training/courses/": Seen(ok="inspector administrator"),
    "training/courses/<int:pk>/": Seen(ok="inspector administrator"),
    "training/courses/<int:pk>/code/": Seen(ok="inspector administrator"),
    "training/sign-in/<str:token>/": Seen(rest="404", odd={"citizen": "no", "enterprise": "no"}),
    "training/hours/": Seen(ok="inspector unit_head district_leader administrator"),
    "training/activities/": Seen(ok="inspector unit_head district_leader administrator"),
}
