"""Who may open the pages of ``dgov.evaluation`` (``dgov.lib.access``)."""

from dgov.lib.access import ANY_STAFF, POST_ONLY, PUBLIC, Seen

# Who may open each route of this app with GET: the role × URL matrix holds every
# persona's answer against it (``dgov.lib.access``, decision 0025).
VIEWS: dict[str, Seen] = {
    "api/v1/evaluation/column": PUBLIC,
    "api/v1/evaluation/results/<campaign>": Seen(
        ok="centre_supervisor inspector unit_head district_leader administrator", anonymous="401"
    ),
    "evaluation/": Seen(rest="404", anonymous="404"),
    "evaluation/c/<int:campaign_pk>/unit/<int:unit_pk>/": Seen(
        ok="window_clerk reviewer department_approver seal_officer centre_supervisor project_secretary investment_officer hired_agent enterprise_service fund_manager inspector unit_head district_leader auditor administrator citizen enterprise anonymous",
        far="window_clerk reviewer department_approver seal_officer centre_supervisor project_secretary investment_officer hired_agent enterprise_service fund_manager inspector unit_head district_leader auditor administrator citizen enterprise anonymous",
        rest="404",
    ),
    "evaluation/served/": PUBLIC,
    "evaluation/served/<str:code>/": Seen(rest="404", anonymous="404"),
    "evaluation/survey/<int:pk>/": Seen(
        ok="window_clerk reviewer department_approver seal_officer centre_supervisor project_secretary investment_officer hired_agent enterprise_service fund_manager inspector unit_head district_leader auditor administrator citizen enterprise anonymous",
        far="window_clerk reviewer department_approver seal_officer centre_supervisor project_secretary investment_officer hired_agent enterprise_service fund_manager inspector unit_head district_leader auditor administrator citizen enterprise anonymous",
        rest="404",
    ),
    "evaluation/column/": Seen(rest="404", anonymous="404"),
    "evaluation/column/<int:pk>/": Seen(ok="", rest="404", anonymous="404"),
    "evaluation/talk-counts/": Seen(rest="404", anonymous="404"),
    "evaluation/results/": Seen(ok="centre_supervisor inspector unit_head district_leader administrator"),
    # Nothing to export before a campaign exists (404); then the results page's readers.
    "evaluation/results/export/": Seen(ok="centre_supervisor inspector unit_head district_leader administrator"),
    "evaluation/moderation/": Seen(ok="inspector"),
    "evaluation/moderation/<int:pk>/": POST_ONLY,
    "evaluation/invite/": Seen(ok="window_clerk centre_supervisor"),
    "evaluation/surveys/": Seen(ok="inspector administrator"),
    "evaluation/talks/": ANY_STAFF,
    "evaluation/talks/new/": Seen(ok="unit_head district_leader"),
    "evaluation/talks/<int:pk>/": Seen(ok="inspector unit_head district_leader", elsewhere="inspector district_leader"),
    "evaluation/columns/": Seen(ok="inspector unit_head district_leader"),
    "evaluation/columns/new/": Seen(ok="unit_head"),
    "evaluation/columns/<int:pk>/": Seen(ok="inspector district_leader"),
    "evaluation/columns/<int:pk>/edit/": Seen(ok=""),
    "evaluation/reports/": Seen(ok="inspector unit_head district_leader"),
    "evaluation/reports/new/": Seen(ok="unit_head"),
    "evaluation/reports/<int:pk>/": Seen(
        ok="reviewer department_approver enterprise_service inspector unit_head district_leader",
        elsewhere="inspector district_leader",
    ),
}
