"""Who may open the pages of ``dgov.funds`` (``dgov.lib.access``)."""

from dgov.lib.access import POST_ONLY, Seen

# Who may open each route of this app with GET: the role × URL matrix holds every
# persona's answer against it (``dgov.lib.access``, decision 0025).
VIEWS: dict[str, Seen] = {
    "api/v1/funds/positions": Seen(
        ok="investment_officer fund_manager inspector district_leader auditor", anonymous="401"
    ),
    "funds/": Seen(ok="investment_officer fund_manager inspector district_leader auditor"),
    "funds/<int:pk>/": Seen(ok="investment_officer fund_manager inspector district_leader auditor"),
    "funds/<int:pk>/propose/": POST_ONLY,
    "funds/commitments/<int:pk>/": Seen(ok="investment_officer fund_manager inspector district_leader auditor"),
    "funds/commitments/<int:pk>/<slug:action>/": POST_ONLY,
    "funds/tranches/<int:pk>/<slug:action>/": POST_ONLY,
    "funds/exits/<int:pk>/decide/": POST_ONLY,
}
