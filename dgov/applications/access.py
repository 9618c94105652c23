"""Who may open the pages of ``dgov.applications`` (``dgov.lib.access``)."""

from dgov.lib.access import ANY_SIGNED_IN, ANY_STAFF, API_POST_ONLY, POST_ONLY, PUBLIC, Seen

# Who may open each route of this app with GET: the role × URL matrix holds every
# persona's answer against it (``dgov.lib.access``, decision 0025).
VIEWS: dict[str, Seen] = {
    "api/v1/applications": API_POST_ONLY,
    "api/v1/applications/<number>": Seen(
        ok="window_clerk reviewer department_approver seal_officer centre_supervisor enterprise_service unit_head district_leader auditor citizen",
        elsewhere="window_clerk seal_officer centre_supervisor district_leader auditor enterprise",
        rest="404",
        anonymous="401",
    ),
    "api/v1/applications/<number>/accept": API_POST_ONLY,
    "api/v1/applications/<number>/request-supplement": API_POST_ONLY,
    "api/v1/applications/<number>/supplement": API_POST_ONLY,
    "api/v1/applications/<number>/refuse": API_POST_ONLY,
    "api/v1/applications/<number>/review": API_POST_ONLY,
    "api/v1/applications/<number>/approve": API_POST_ONLY,
    "api/v1/applications/<number>/deny": API_POST_ONLY,
    "api/v1/applications/<number>/complete": API_POST_ONLY,
    "api/v1/applications/<number>/stop-clock": API_POST_ONLY,
    "api/v1/applications/<number>/resume-clock": API_POST_ONLY,
    "api/v1/applications/<number>/extend": API_POST_ONLY,
    "api/v1/applications/<number>/check-in": API_POST_ONLY,
    "api/v1/lookup": API_POST_ONLY,
    "applications/apply/<str:code>/": Seen(ok="citizen enterprise", rest="404"),
    "applications/window/new/": Seen(ok="window_clerk"),
    "applications/queue/": ANY_STAFF,
    "applications/mine/": ANY_SIGNED_IN,
    "applications/messages/": ANY_SIGNED_IN,
    "applications/lookup/": PUBLIC,
    "applications/<int:pk>/": Seen(
        ok="window_clerk reviewer department_approver seal_officer centre_supervisor enterprise_service unit_head district_leader auditor citizen",
        elsewhere="window_clerk seal_officer centre_supervisor district_leader auditor enterprise",
        rest="404",
    ),
    "applications/<int:pk>/reveal-address/": POST_ONLY,
    "applications/<int:pk>/<slug:action>/": POST_ONLY,
}
