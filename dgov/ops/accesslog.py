"""gunicorn's access log as JSON lines (``logger_class`` in ``deploy/gunicorn.conf.py``),
with the request id the application answered in ``X-Request-ID`` (the one its audit
entries and its own log lines carry) and the client address (``dgov.lib.addresses``: nginx's ``X-Forwarded-For`` read only
through the trusted proxies, never as the client wrote it)."""

import json
import time
from typing import Any

from gunicorn import glogging

from dgov.lib.addresses import client_address, environ_request


class JsonAccessLogger(glogging.Logger):
    def access(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> None:
        if not self.cfg.accesslog:
            return
        headers = {name.lower(): value for name, value in resp.headers}
        line = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "level": "INFO",
            "logger": "gunicorn.access",
            "request_id": headers.get("x-request-id", ""),
            "client": client_address(environ_request(environ)),
            "method": environ.get("REQUEST_METHOD", ""),
            "path": environ.get("PATH_INFO", ""),
            "status": resp.status_code,
            "bytes": getattr(resp, "sent", 0),
            "duration_ms": round(request_time.total_seconds() * 1000, 3),
            "user_agent": environ.get("HTTP_USER_AGENT", "")[:300],
        }
        try:
            self.access_log.info(json.dumps(line, ensure_ascii=False))
        except Exception:  # noqa: BLE001 — as gunicorn's own access(): never fail a request over its log line
            self.error("access log line failed")
