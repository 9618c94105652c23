"""Who may open the pages of ``dgov.services`` (``dgov.lib.access``)."""

from dgov.lib.access import POST_ONLY, PUBLIC, Seen

# Who may open each route of this app with GET: the role × URL matrix holds every
# persona's answer against it (``dgov.lib.access``, decision 0025).
VIEWS: dict[str, Seen] = {
    "services/": Seen(rest="404", anonymous="404"),
    "services/search/": Seen(rest="404", anonymous="404"),
    "services/item/<str:code>/": Seen(ok="", rest="404", anonymous="404"),
    "services/item/<str:code>/v<int:number>/": Seen(ok="", rest="404", anonymous="404"),
    "services/item/<str:code>/files/<int:pk>/<str:name>": Seen(rest="404", anonymous="404"),
    "services/department/<int:pk>/": Seen(ok="", rest="404", anonymous="404"),
    "services/event/<int:pk>/": Seen(ok="", rest="404", anonymous="404"),
    "services/staff/": Seen(ok="administrator"),
    "services/staff/new/": Seen(ok="administrator"),
    "services/staff/<int:pk>/edit/": Seen(ok="administrator"),
    "services/staff/<int:pk>/files/": Seen(ok="administrator"),
    "services/staff/files/<int:pk>/remove/": POST_ONLY,
    "services/staff/export.xlsx": Seen(ok="administrator"),
    "services/staff/import/": Seen(ok="administrator"),
    "api/v1/items": PUBLIC,
    "api/v1/items/<code>": Seen(ok="", rest="404", anonymous="404"),
}
