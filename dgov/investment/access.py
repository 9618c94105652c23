"""Who may open the pages of ``dgov.investment`` (``dgov.lib.access``)."""

from dgov.lib.access import POST_ONLY, Seen

# Who may open each route of this app with GET: the role × URL matrix holds every
# persona's answer against it (``dgov.lib.access``, decision 0025).
VIEWS: dict[str, Seen] = {
    "api/v1/investment/pipeline": Seen(ok="project_secretary investment_officer district_leader", anonymous="401"),
    "api/v1/investment/projects/<pk>": Seen(
        ok="project_secretary investment_officer district_leader", rest="404", anonymous="401"
    ),
    "investment/": Seen(ok="project_secretary investment_officer district_leader"),
    "investment/charts/": Seen(ok="project_secretary investment_officer district_leader"),
    "investment/projects/new/": Seen(ok="investment_officer"),
    "investment/projects/import/": Seen(ok="investment_officer"),
    "investment/projects/<int:pk>/": Seen(ok="project_secretary investment_officer district_leader", rest="404"),
    "investment/projects/<int:pk>/edit/": Seen(ok="investment_officer"),
    "investment/projects/<int:pk>/<slug:action>/": POST_ONLY,
    "investment/offices/": Seen(ok="project_secretary investment_officer district_leader"),
    "investment/offices/<int:pk>/": Seen(ok="project_secretary investment_officer district_leader"),
    "investment/agents/": Seen(ok="project_secretary investment_officer district_leader"),
    "investment/my-leads/": Seen(),
    "investment/parks/": Seen(ok="project_secretary investment_officer district_leader"),
    "investment/parks/<int:pk>/": Seen(ok="project_secretary investment_officer district_leader"),
    "investment/settings/": Seen(ok="administrator"),
    "investment/settings/incentive-rule/": Seen(odd={"administrator": "405"}),
}
