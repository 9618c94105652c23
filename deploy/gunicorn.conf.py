"""gunicorn settings for dgov-web.service (docs/operations.md). Values from the environment
file (/etc/dgov/dgov.env) where an operator may want to change them."""

import os

bind = os.environ.get("DGOV_BIND", "127.0.0.1:8001")
workers = int(os.environ.get("DGOV_WEB_WORKERS", "4"))
threads = int(os.environ.get("DGOV_WEB_THREADS", "1"))
# Sync workers: measured best for this stack (shared/PERFORMANCE.md); recycle now and then.
worker_class = "sync"
max_requests = 20000
max_requests_jitter = 2000
timeout = 60
graceful_timeout = 30
# nginx in front sets X-Forwarded-Proto; Django reads it (SECURE_PROXY_SSL_HEADER) and the
# client address (DGOV_TRUSTED_PROXIES), gunicorn only trusts it from these addresses.
forwarded_allow_ips = os.environ.get("DGOV_TRUSTED_PROXIES", "127.0.0.1")
accesslog = "-"
errorlog = "-"
capture_output = True
logger_class = "dgov.ops.accesslog.JsonAccessLogger"


def child_exit(server, worker):  # noqa: ANN001, ANN201 — gunicorn's hook signature
    """A dead worker's metrics files stop counting as live gauges (prometheus multiprocess)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
