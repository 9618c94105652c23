"""Who may open the pages of ``dgov.certificates`` (``dgov.lib.access``)."""

from dgov.lib.access import ANY_SIGNED_IN, POST_ONLY, PUBLIC, Seen

# Who may open each route of this app with GET: the role × URL matrix holds every
# persona's answer against it (``dgov.lib.access``, decision 0025).
VIEWS: dict[str, Seen] = {
    "api/v1/certificates/pki": Seen(rest="404", anonymous="404"),
    "api/v1/certificates/verify/<code>": PUBLIC,
    "certificates/verify/": PUBLIC,
    "certificates/v/<str:code>/": PUBLIC,
    "certificates/v/<str:code>/<str:name>": Seen(rest="404", anonymous="404"),
    "certificates/verify/copy/<str:code>/": PUBLIC,
    "certificates/verify/<str:identifier>/": PUBLIC,
    "certificates/pki/": Seen(rest="404", anonymous="404"),
    "certificates/pki/<str:district>/<str:name>": Seen(rest="404", anonymous="404"),
    "certificates/pki/seals/<str:key_id>/<str:name>": Seen(rest="404", anonymous="404"),
    "certificates/mine/": ANY_SIGNED_IN,
    "certificates/issue/": Seen(ok="seal_officer"),
    "certificates/ledger/": Seen(ok="seal_officer centre_supervisor inspector auditor"),
    "certificates/<int:pk>/": Seen(rest="404", odd={"citizen": "no", "enterprise": "no"}),
    "certificates/<int:pk>/download/": Seen(rest="404"),
    "certificates/<int:pk>/copy/": POST_ONLY,
}
