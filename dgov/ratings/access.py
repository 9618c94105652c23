"""Who may open the pages of ``dgov.ratings`` (``dgov.lib.access``)."""

from dgov.lib.access import ANY_SIGNED_IN, Seen

# Who may open each route of this app with GET: the role × URL matrix holds every
# persona's answer against it (``dgov.lib.access``, decision 0025).
VIEWS: dict[str, Seen] = {
    "api/v1/ratings/cases/<number>": Seen(ok="citizen", elsewhere="enterprise", rest="404", anonymous="401"),
    "ratings/mine/": ANY_SIGNED_IN,
    "ratings/case/<int:pk>/": Seen(ok="citizen", elsewhere="enterprise", rest="404"),
    "ratings/visit/<int:pk>/": Seen(ok="citizen", elsewhere="enterprise", rest="404"),
    "ratings/r/<str:token>/": Seen(rest="400", anonymous="400"),
    "ratings/window/": Seen(ok="window_clerk"),
    "ratings/handover/case/<int:pk>/": Seen(ok="window_clerk"),
    "ratings/handover/visit/<int:pk>/": Seen(ok="window_clerk"),
    "ratings/rectifications/": Seen(
        ok="department_approver centre_supervisor inspector unit_head district_leader auditor"
    ),
    "ratings/rectifications/<int:pk>/": Seen(
        ok="department_approver centre_supervisor inspector unit_head district_leader auditor",
        elsewhere="centre_supervisor inspector district_leader auditor",
    ),
    "ratings/rectifications/<int:pk>/<slug:step>/": Seen(
        odd={
            "department_approver": "405",
            "centre_supervisor": "405",
            "inspector": "405",
            "unit_head": "405",
            "district_leader": "405",
            "auditor": "405",
        }
    ),
    "ratings/policy/": Seen(ok="centre_supervisor administrator"),
    "ratings/public/": Seen(rest="404", anonymous="404"),
    "ratings/competition/": Seen(ok="centre_supervisor inspector unit_head district_leader auditor administrator"),
    "ratings/competition/export.xlsx": Seen(
        ok="centre_supervisor inspector unit_head district_leader auditor administrator"
    ),
}
