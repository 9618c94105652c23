"""Who may open the pages of ``dgov.portal`` (``dgov.lib.access``)."""

from dgov.lib.access import ANY_SIGNED_IN, API_POST_ONLY, PUBLIC, Seen

# Who may open each route of this app with GET: the role × URL matrix holds every
# persona's answer against it (``dgov.lib.access``, decision 0025).
VIEWS: dict[str, Seen] = {
    "favicon.ico": PUBLIC,
    "i18n/setlang/": PUBLIC,
    "i18n/js/": PUBLIC,
    "accounts/logout/": API_POST_ONLY,
    "": PUBLIC,
    "home/": ANY_SIGNED_IN,
    "my/": ANY_SIGNED_IN,
    "large-text/": API_POST_ONLY,
    "staff/<slug:role>/": Seen(ok="reviewer"),
}
