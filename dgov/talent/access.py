"""Who may open the pages of ``dgov.talent`` (``dgov.lib.access``)."""

from dgov.lib.access import POST_ONLY, Seen

# Who may open each route of this app with GET: the role × URL matrix holds every
# persona's answer against it (``dgov.lib.access``, decision 0025).
VIEWS: dict[str, Seen] = {
    "api/v1/talent/figures": Seen(
        ok="department_approver investment_officer enterprise_service inspector district_leader auditor",
        anonymous="401",
    ),
    "talent/": Seen(ok="department_approver investment_officer enterprise_service inspector district_leader auditor"),
    "talent/<int:pk>/reveal/": POST_ONLY,
    "talent/programmes/": Seen(
        ok="department_approver investment_officer enterprise_service inspector district_leader auditor"
    ),
    "talent/programmes/<int:pk>/": Seen(
        ok="department_approver investment_officer enterprise_service inspector district_leader auditor"
    ),
    "talent/programmes/<int:pk>/award/": POST_ONLY,
    "talent/figures/": Seen(
        ok="department_approver investment_officer enterprise_service inspector district_leader auditor"
    ),
    "talent/mine/": Seen(ok="enterprise"),
}
