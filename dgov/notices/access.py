"""Who may open the pages of ``dgov.notices`` (``dgov.lib.access``)."""

from dgov.lib.access import ANY_SIGNED_IN, POST_ONLY, SIGNED_IN, Seen

# Who may open each route of this app with GET: the role × URL matrix holds every
# persona's answer against it (``dgov.lib.access``, decision 0025).
VIEWS: dict[str, Seen] = {
    "api/v1/notices/": Seen(ok=SIGNED_IN, anonymous="401"),
    "api/v1/notices/<pk>": Seen(
        ok="window_clerk reviewer department_approver seal_officer centre_supervisor enterprise_service unit_head district_leader auditor",
        elsewhere="window_clerk seal_officer centre_supervisor district_leader auditor",
        rest="404",
        anonymous="401",
    ),
    "api/v1/notices/<pk>/pdf": Seen(ok="", rest="404", anonymous="401"),
    "notices/mine/": ANY_SIGNED_IN,
    "notices/seal/": Seen(ok="seal_officer"),
    "notices/seal/auto/": POST_ONLY,
    "notices/templates/": Seen(ok="administrator"),
    "notices/templates/<slug:kind>/": Seen(ok="administrator"),
    "notices/settings/": Seen(ok="administrator"),
    "notices/v/<str:code>/<str:name>": Seen(rest="404", anonymous="404"),
    "notices/<int:pk>/": Seen(
        ok="window_clerk reviewer department_approver seal_officer centre_supervisor enterprise_service unit_head district_leader auditor",
        elsewhere="window_clerk seal_officer centre_supervisor district_leader auditor",
        rest="404",
    ),
    "notices/<int:pk>/pdf/": Seen(ok="", rest="404"),
    "notices/<int:pk>/print/": POST_ONLY,
}
