"""Who may open the pages of ``dgov.exports`` (``dgov.lib.access``)."""

from dgov.lib.access import ANY_STAFF, Seen

# Who may open each route of this app with GET: the role × URL matrix holds every
# persona's answer against it (``dgov.lib.access``, decision 0025).
VIEWS: dict[str, Seen] = {
    "exports/": ANY_STAFF,
    "exports/jobs/<int:pk>/": Seen(ok="centre_supervisor", elsewhere=""),
    "exports/jobs/<int:pk>/file/": Seen(ok=""),
    "exports/<str:name>.<str:fmt>": Seen(
        ok="window_clerk reviewer department_approver seal_officer centre_supervisor project_secretary investment_officer hired_agent enterprise_service fund_manager inspector unit_head district_leader auditor administrator"
    ),
}
