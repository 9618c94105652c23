from typing import Any

from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory

from dgov.ops.middleware import OpsMiddleware


def client_address(settings: Any, **meta: str) -> str:
    seen: list[str] = []

    def view(request: HttpRequest) -> HttpResponse:
        seen.append(request.META["REMOTE_ADDR"])
        return HttpResponse()

    OpsMiddleware(view)(RequestFactory().get("/services/", **meta))
    return seen[0]


def test_behind_a_trusted_proxy_the_client_is_the_forwarded_address(settings: Any) -> None:
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    assert client_address(settings, REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9") == "203.0.113.9"
    # A client that forges the header gets its own address appended by nginx: the last one counts.
    assert (
        client_address(settings, REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="10.9.9.9, 203.0.113.9") == "203.0.113.9"
    )
    assert client_address(settings, REMOTE_ADDR="127.0.0.1") == "127.0.0.1"


def test_a_forwarded_address_from_anyone_else_is_ignored(settings: Any) -> None:
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    assert client_address(settings, REMOTE_ADDR="198.51.100.4", HTTP_X_FORWARDED_FOR="203.0.113.9") == "198.51.100.4"
    settings.TRUSTED_PROXIES = []
    assert client_address(settings, REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9") == "127.0.0.1"


def test_the_audit_trail_records_the_citizen_not_the_proxy(client: Any, settings: Any, citizen: Any) -> None:
    from dgov.audit.models import AuditEntry

    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    client.post("/accounts/login/", {"username": "citizen", "password": "wrong"}, REMOTE_ADDR="127.0.0.1",
                HTTP_X_FORWARDED_FOR="203.0.113.9")  # fmt: skip
    entry = AuditEntry.objects.order_by("-id").first()
    assert entry is not None and entry.ip == "203.0.113.9"


def test_make_run_takes_a_port_and_gives_load_demo_the_address_on_it(settings: Any, db: Any) -> None:
    import io
    import subprocess
    from pathlib import Path

    from django.core.management import call_command

    root = Path(__file__).resolve().parents[3]
    dry = subprocess.run(["make", "-pn", "run", "PORT=8123"], cwd=root, capture_output=True, text=True).stdout
    assert "--bind 127.0.0.1:8123" in dry
    assert "run: DGOV_PUBLIC_URL = http://127.0.0.1:$(PORT)" in dry  # exported to load_demo and the server

    settings.DGOV_PUBLIC_URL = "http://127.0.0.1:8123"
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    assert "Open http://127.0.0.1:8123/accounts/login/" in out.getvalue()
    assert ":8000" not in out.getvalue()
