"""Who may open the pages of ``dgov.campaigns`` (``dgov.lib.access``)."""

from dgov.lib.access import POST_ONLY, Seen

# Who may open each route of this app with GET: the role × URL matrix holds every
# persona's answer against it (``dgov.lib.access``, decision 0025).
VIEWS: dict[str, Seen] = {
    "api/v1/campaigns/<campaign_id>/board": Seen(ok="inspector district_leader", rest="404", anonymous="401"),
    "api/v1/campaigns/public/<campaign_id>/<unit_code>": Seen(
        ok="window_clerk reviewer department_approver seal_officer centre_supervisor project_secretary investment_officer hired_agent enterprise_service fund_manager inspector unit_head district_leader auditor administrator citizen enterprise anonymous",
        far="window_clerk reviewer department_approver seal_officer centre_supervisor project_secretary investment_officer hired_agent enterprise_service fund_manager inspector unit_head district_leader auditor administrator citizen enterprise anonymous",
        rest="404",
    ),
    "campaigns/": Seen(ok="inspector unit_head district_leader"),
    "campaigns/new/": Seen(ok="inspector"),
    "campaigns/mine/": Seen(ok="unit_head"),
    "campaigns/<int:pk>/": Seen(ok="inspector unit_head district_leader"),
    "campaigns/<int:pk>/import/": Seen(ok="inspector"),
    "campaigns/<int:pk>/export/": Seen(ok="inspector district_leader"),
    "campaigns/<int:pk>/units/<int:unit_pk>/": Seen(
        ok="inspector unit_head district_leader", elsewhere="inspector district_leader"
    ),
    "campaigns/<int:pk>/units/<int:unit_pk>/problems/": POST_ONLY,
    "campaigns/<int:pk>/units/<int:unit_pk>/publish/": POST_ONLY,
    "campaigns/tasks/<int:pk>/": Seen(ok="inspector unit_head district_leader", elsewhere="inspector district_leader"),
    "campaigns/tasks/<int:pk>/<slug:action>/": POST_ONLY,
    "campaigns/problems/<int:pk>/": Seen(
        ok="inspector unit_head district_leader", elsewhere="inspector district_leader"
    ),
    "campaigns/problems/<int:pk>/<slug:action>/": POST_ONLY,
    "campaigns/files/<int:pk>/": Seen(ok="inspector unit_head district_leader", elsewhere="inspector district_leader"),
    "campaigns/public/<int:pk>/": Seen(
        ok="window_clerk reviewer department_approver seal_officer centre_supervisor project_secretary investment_officer hired_agent enterprise_service fund_manager inspector unit_head district_leader auditor administrator citizen enterprise anonymous",
        far="window_clerk reviewer department_approver seal_officer centre_supervisor project_secretary investment_officer hired_agent enterprise_service fund_manager inspector unit_head district_leader auditor administrator citizen enterprise anonymous",
        rest="404",
    ),
    "campaigns/public/<int:pk>/<str:code>/": Seen(
        ok="window_clerk reviewer department_approver seal_officer centre_supervisor project_secretary investment_officer hired_agent enterprise_service fund_manager inspector unit_head district_leader auditor administrator citizen enterprise anonymous",
        far="window_clerk reviewer department_approver seal_officer centre_supervisor project_secretary investment_officer hired_agent enterprise_service fund_manager inspector unit_head district_leader auditor administrator citizen enterprise anonymous",
        rest="404",
    ),
}
