import json
import logging
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory

from dgov.audit.middleware import RequestContextMiddleware
from dgov.ops.logs import JsonFormatter, RequestIdFilter

ROOT = __import__("pathlib").Path(__file__).resolve().parents[3]


def handler_to(lines: list[str]) -> logging.Handler:
    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(self.format(record))

    handler = Collect()
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    return handler


def test_a_log_line_is_json_with_the_request_id_of_the_audit_trail() -> None:
    lines: list[str] = []
    logger = logging.getLogger("dgov.test.logs")
    logger.addHandler(handler_to(lines))
    logger.setLevel(logging.INFO)

    def view(request: HttpRequest) -> HttpResponse:
        logger.warning("upload refused", extra={"reason": "javascript in pdf"})
        return HttpResponse("ok")

    response = RequestContextMiddleware(view)(RequestFactory().get("/", HTTP_X_REQUEST_ID="req-123.abc"))
    logger.info("outside any request")

    inside, outside = (json.loads(line) for line in lines)
    assert response["X-Request-ID"] == "req-123.abc"
    assert inside["request_id"] == "req-123.abc"
    assert inside["message"] == "upload refused"
    assert inside["level"] == "WARNING" and inside["logger"] == "dgov.test.logs"
    assert inside["reason"] == "javascript in pdf"
    assert {"time", "host", "pid"} <= set(inside)
    assert outside["request_id"] == ""


def test_the_settings_choose_json_in_production() -> None:
    import subprocess
    import sys

    code = "import django, os; django.setup(); from django.conf import settings; print(settings.LOGGING['handlers']['console']['formatter'])"
    env: dict[str, Any] = {
        "DJANGO_SETTINGS_MODULE": "dgov.settings",
        "DGOV_ENV": "production",
        "SECRET_KEY": "kQ7-x2Lp9@vZ" * 6,
        "ALLOWED_HOSTS": "gov.example",
        "DGOV_PUBLIC_URL": "https://gov.example",
        "PATH": "/usr/bin:/bin",
    }
    done = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "json"
