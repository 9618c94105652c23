"""Structured logs: one JSON object a line, with the request id the audit trail records.

``RequestIdFilter`` copies the id of the request being served (``dgov.audit.context``,
set by ``RequestContextMiddleware`` and sent back as ``X-Request-ID``) onto every record,
so a log line, an audit entry and nginx's access log line of one request share one id.
The gunicorn access log is JSON with the same id (``deploy/gunicorn.conf.py``).
"""

import logging
import socket

from pythonjsonlogger.json import JsonFormatter as _JsonFormatter

from dgov.audit import context

_HOST = socket.gethostname()


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        current = context.current.get()
        record.request_id = current.request_id if current is not None else ""
        return True


class JsonFormatter(_JsonFormatter):
    """``time level logger message request_id host pid`` and any ``extra=`` fields."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(
            "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s %(process)d",
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger", "process": "pid"},
            static_fields={"host": _HOST},
            timestamp=False,
        )
