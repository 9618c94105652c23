"""Who may open the pages of ``dgov.financing`` (``dgov.lib.access``)."""

from dgov.lib.access import POST_ONLY, Seen

# Who may open each route of this app with GET: the role × URL matrix holds every
# persona's answer against it (``dgov.lib.access``, decision 0025).
VIEWS: dict[str, Seen] = {
    "api/v1/financing/figures": Seen(
        ok="project_secretary investment_officer enterprise_service inspector district_leader auditor", anonymous="401"
    ),
    "financing/mine/": Seen(ok="enterprise"),
    "financing/mine/<int:pk>/new/": POST_ONLY,
    "financing/mine/needs/<int:pk>/withdraw/": POST_ONLY,
    "financing/bank/": Seen(),
    "financing/bank/offers/<int:pk>/": Seen(),
    "financing/banks/<int:pk>/products/new/": Seen(ok="enterprise_service"),
    "financing/needs/": Seen(
        ok="project_secretary investment_officer enterprise_service inspector district_leader auditor"
    ),
    "financing/needs/<int:pk>/": Seen(
        ok="project_secretary investment_officer enterprise_service inspector district_leader auditor"
    ),
    "financing/offers/<int:pk>/follow-up/": POST_ONLY,
    "financing/banks/": Seen(
        ok="project_secretary investment_officer enterprise_service inspector district_leader auditor"
    ),
    "financing/report/": Seen(
        ok="project_secretary investment_officer enterprise_service inspector district_leader auditor"
    ),
}
