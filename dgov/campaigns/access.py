"""Who may open the pages of ``dgov.campaigns`` (``dgov.lib.access``)."""

from dgov.lib.access import POST_ONLY, Seen

# Who may open each route of this app with GET: the role × URL matrix holds every
# persona's answer against it (``dgov.lib.access``, decision 0025).
VIEWS: dict[str, Seen] = {
    "api/v1/campaigns/<campaign_id>/board": Seen(rest="422", anonymous="401"),
    "api/v1/campaigns/public/<campaign_id>/<unit_code>": Seen(rest="422", anonymous="422"),
    "campaigns/": Seen(ok="inspector unit_head district_leader"),
    "campaigns/new/": Seen(ok="inspector"),
    "campaigns/mine/": Seen(ok="unit_head"),
    "campaigns/<int:pk>/": Seen(rest="404", odd={"citizen": "no", "enterprise": "no"}),
    "campaigns/<int:pk>/import/": Seen(rest="404", odd={"citizen": "no", "enterprise": "no"}),
    "campaigns/<int:pk>/export/": Seen(rest="404", odd={"citizen": "no", "enterprise": "no"}),
    "campaigns/<int:pk>/units/<int:unit_pk>/": Seen(rest="404", odd={"citizen": "no", "enterprise": "no"}),
    "campaigns/<int:pk>/units/<int:unit_pk>/problems/": POST_ONLY,
    "campaigns/<int:pk>/units/<int:unit_pk>/publish/": POST_ONLY,
    "campaigns/tasks/<int:pk>/": Seen(rest="404", odd={"citizen": "no", "enterprise": "no"}),
    "campaigns/tasks/<int:pk>/<slug:action>/": POST_ONLY,
    "campaigns/problems/<int:pk>/": Seen(rest="404", odd={"citizen": "no", "enterprise": "no"}),
    "campaigns/problems/<int:pk>/<slug:action>/": POST_ONLY,
    "campaigns/files/<int:pk>/": Seen(rest="404", odd={"citizen": "no", "enterprise": "no"}),
    "campaigns/public/<int:pk>/": Seen(rest="404", anonymous="404"),
    "campaigns/public/<int:pk>/<str:code>/": Seen(rest="404", anonymous="404"),
}
