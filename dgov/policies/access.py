"""Who may open the pages of ``dgov.policies`` (``dgov.lib.access``)."""

from dgov.lib.access import POST_ONLY, PUBLIC, Seen

# Who may open each route of this app with GET: the role × URL matrix holds every
# persona's answer against it (``dgov.lib.access``, decision 0025).
VIEWS: dict[str, Seen] = {
    "api/v1/policies/policies": PUBLIC,
    "api/v1/policies/grants": PUBLIC,
    "api/v1/policies/matches/<credit_code>": Seen(
        ok="department_approver project_secretary investment_officer enterprise_service inspector unit_head district_leader auditor",
        far="department_approver project_secretary investment_officer enterprise_service inspector unit_head district_leader auditor",
        anonymous="401",
    ),
    "policies/": Seen(rest="404", anonymous="404"),
    "policies/<int:pk>/": Seen(
        ok="window_clerk reviewer department_approver seal_officer centre_supervisor project_secretary investment_officer hired_agent enterprise_service fund_manager inspector unit_head district_leader auditor administrator citizen enterprise anonymous",
        far="window_clerk reviewer department_approver seal_officer centre_supervisor project_secretary investment_officer hired_agent enterprise_service fund_manager inspector unit_head district_leader auditor administrator citizen enterprise anonymous",
        rest="404",
    ),
    "policies/grants/": Seen(rest="404", anonymous="404"),
    "policies/mine/": Seen(ok="enterprise"),
    "policies/mine/<int:pk>/facts/": Seen(ok="", elsewhere="enterprise"),
    "policies/mine/<int:pk>/receive/<int:policy_pk>/": Seen(ok=""),
    "policies/library/": Seen(
        ok="department_approver project_secretary investment_officer enterprise_service inspector unit_head district_leader auditor"
    ),
    "policies/library/new/": Seen(ok="enterprise_service"),
    "policies/library/import/": Seen(ok="enterprise_service"),
    "policies/library/grants/": Seen(
        ok="department_approver project_secretary investment_officer enterprise_service inspector unit_head district_leader auditor"
    ),
    "policies/library/<int:pk>/": Seen(
        ok="department_approver project_secretary investment_officer enterprise_service inspector unit_head district_leader auditor"
    ),
    "policies/library/<int:pk>/edit/": Seen(ok=""),
    "policies/library/<int:pk>/<slug:action>/": POST_ONLY,
}
