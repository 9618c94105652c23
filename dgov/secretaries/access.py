"""Who may open the pages of ``dgov.secretaries`` (``dgov.lib.access``)."""

from dgov.lib.access import POST_ONLY, Seen

# Who may open each route of this app with GET: the role × URL matrix holds every
# persona's answer against it (``dgov.lib.access``, decision 0025).
VIEWS: dict[str, Seen] = {
    "api/v1/secretaries/overdue": Seen(
        ok="project_secretary investment_officer inspector district_leader administrator", anonymous="401"
    ),
    "api/v1/secretaries/green/<number>": Seen(
        ok="window_clerk reviewer department_approver centre_supervisor project_secretary investment_officer inspector district_leader",
        anonymous="401",
    ),
    "secretaries/": Seen(ok="project_secretary investment_officer inspector district_leader administrator"),
    "secretaries/overdue/": Seen(ok="project_secretary investment_officer inspector district_leader administrator"),
    "secretaries/projects/<int:pk>/": Seen(
        ok="project_secretary investment_officer inspector district_leader administrator"
    ),
    "secretaries/projects/<int:pk>/<slug:action>/": POST_ONLY,
    "secretaries/contacts/<int:pk>/evidence/": POST_ONLY,
    "secretaries/visits/": Seen(ok="project_secretary investment_officer inspector district_leader administrator"),
    "secretaries/issues/": Seen(
        ok="reviewer department_approver project_secretary investment_officer inspector unit_head district_leader administrator"
    ),
    "secretaries/issues/<int:pk>/": Seen(
        ok="reviewer department_approver project_secretary investment_officer inspector unit_head district_leader administrator",
        elsewhere="project_secretary investment_officer inspector district_leader administrator",
    ),
    "secretaries/issues/<int:pk>/<slug:action>/": POST_ONLY,
    "secretaries/scorecard/": Seen(ok="project_secretary investment_officer inspector district_leader administrator"),
    "secretaries/confirm/<str:token>/": Seen(rest="404", anonymous="404"),
    "secretaries/rate/<str:token>/": Seen(rest="404", anonymous="404"),
    "secretaries/enterprise/": Seen(ok="enterprise"),
    "secretaries/green/": Seen(
        ok="window_clerk reviewer department_approver centre_supervisor project_secretary investment_officer inspector district_leader"
    ),
    "secretaries/green/new/": Seen(ok="centre_supervisor investment_officer district_leader"),
    "secretaries/green/report/": Seen(
        ok="window_clerk reviewer department_approver centre_supervisor project_secretary investment_officer inspector district_leader"
    ),
    "secretaries/green/<int:pk>/": Seen(
        ok="window_clerk reviewer department_approver centre_supervisor project_secretary investment_officer inspector district_leader"
    ),
    "secretaries/green/<int:pk>/lead/": POST_ONLY,
}
