from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from dgov.lib.nav import links_for


def shell(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    is_staff_member = bool(user and user.is_authenticated and user.kind == "staff")
    return {"is_staff_member": is_staff_member, "nav_links": SimpleLazyObject(lambda: links_for(user))}
