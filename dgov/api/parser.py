"""The API's request parser: JSON and query strings, refusing text no database can store.

A JSON string may spell a lone UTF-16 surrogate (``"\\ud800"``); Python decodes it, and the
database then fails on it. Such a request is a client's mistake: 400, said so.
"""

import json
from typing import Any

from django.http import HttpRequest
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _
from ninja.errors import HttpError
from ninja.parser import Parser


def _storable(value: Any) -> bool:
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return False
        return "\x00" not in value
    if isinstance(value, dict):
        return all(_storable(k) and _storable(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_storable(v) for v in value)
    return True


def _refuse() -> HttpError:
    return HttpError(400, _("The request holds text that is not valid Unicode (a lone surrogate or a NUL character)."))


class StrictParser(Parser):
    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        data = json.loads(request.body)
        if not _storable(data):
            raise ValueError("unstorable text")
        return data  # type: ignore[no-any-return]

    def parse_querydict(self, data: MultiValueDict, list_fields: list[str], request: HttpRequest) -> dict[str, Any]:
        result = super().parse_querydict(data, list_fields, request)
        if not _storable(result):
            raise _refuse()
        return result
