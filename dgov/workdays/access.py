"""Who may open the pages of ``dgov.workdays`` (``dgov.lib.access``)."""

from dgov.lib.access import ANY_SIGNED_IN, Seen

# Who may open each route of this app with GET: the role × URL matrix holds every
# persona's answer against it (``dgov.lib.access``, decision 0025).
VIEWS: dict[str, Seen] = {
    "calendar/": ANY_SIGNED_IN,
    "calendar/<int:year>/": Seen(
        ok="window_clerk reviewer department_approver seal_officer centre_supervisor project_secretary investment_officer hired_agent enterprise_service fund_manager inspector unit_head district_leader auditor administrator"
    ),
    "calendar/day/": Seen(ok="administrator"),
    "calendar/import/": Seen(ok="administrator"),
    "calendar/api/add": Seen(rest="400", anonymous="400"),
    "calendar/api/between": Seen(rest="400", anonymous="400"),
}
