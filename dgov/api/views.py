"""The JSON API (``/api/v1/``), described at ``/api/openapi.json``: the one ``NinjaAPI``,
its token authentication and strict parser, and the answers to errors. The routes live in
their apps' ``api.py`` (the catalogue in ``dgov.services.api``, applications in
``dgov.applications.api``, …), found by discovery.

The errors the ``do_*`` functions raise become status codes here: ``Conflict`` 409,
``PermissionDenied`` 403, ``ValidationError`` 400, each with its (translated) message.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Router
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as SchemaError

from dgov.api import schemas
from dgov.api.auth import token_auth
from dgov.api.parser import StrictParser
from dgov.lib.conflicts import Conflict

api = NinjaAPI(
    title="dgov",
    version="1",
    description="Service catalogue, applications and their status for staff systems and applicants.",
    urls_namespace="api",
    auth=token_auth,
    # Swagger UI would load its assets from a CDN; the document itself is the contract.
    docs_url=None,
    parser=StrictParser(),
)
v1 = Router(tags=["v1"])


# Errors ---------------------------------------------------------------------------------


def _error(request: HttpRequest, status: int, detail: str, messages: list[str] | None = None) -> HttpResponse:
    return api.create_response(request, schemas.error_body(detail, messages), status=status)


@api.exception_handler(SchemaError)
def _schema_error(request: HttpRequest, error: SchemaError) -> HttpResponse:
    """A parameter or body field outside its declared type or bounds: 422, each field named."""
    messages = [
        f"{'.'.join(str(part) for part in e.get('loc', ()))}: {e.get('msg', '')}".strip(": ") for e in error.errors
    ]
    return _error(request, 422, _("The request does not match the API's schema."), messages)


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, error: HttpError) -> HttpResponse:
    if error.status_code == 400 and str(error).startswith("Cannot parse request body"):
        return _error(request, 400, _("The request body is not valid JSON in UTF-8 (or holds a lone surrogate)."))
    return _error(request, error.status_code, str(error))


@api.exception_handler(Conflict)
def _conflict(request: HttpRequest, error: Conflict) -> HttpResponse:
    return _error(request, 409, str(error))


@api.exception_handler(PermissionDenied)
def _permission_denied(request: HttpRequest, error: PermissionDenied) -> HttpResponse:
    return _error(request, 403, str(error) or _("Your role does not allow this action."))


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, error: ValidationError) -> HttpResponse:
    messages = [str(m) for m in error.messages]
    return _error(request, 400, " ".join(messages), messages)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, error: Http404) -> HttpResponse:
    return _error(request, 404, _("Not found."))


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, error: AuthenticationError) -> HttpResponse:
    response = _error(request, 401, _("A valid API token is required (Authorization: Bearer …)."))
    response["WWW-Authenticate"] = "Bearer"
    return response


def _app_routers() -> None:
    """Each app exposes ``router`` in ``dgov/<app>/api.py``; it lives under /api/v1/<app>/
    (or under ``PREFIX`` when the module names one)."""
    from dgov.lib.plugins import discover

    for app, module in discover("api"):
        if getattr(module, "router", None) is None:
            continue
        v1.add_router(getattr(module, "PREFIX", f"/{app}/"), module.router)


_app_routers()
api.add_router("/v1/", v1)
