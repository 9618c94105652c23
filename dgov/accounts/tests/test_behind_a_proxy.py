"""Issue 19 §4 end to end: the application behind a real reverse proxy on loopback.

nginx (when installed; else a small forwarding proxy in a thread, which does what nginx's
``$proxy_add_x_forwarded_for`` does) listens on 127.0.0.1 in front of the live server and
is the one trusted proxy. Each "person" connects from their own loopback address
(127.0.0.2, 127.0.0.3 …: Linux routes all of 127/8 to the loopback device), so the
application sees every request come from 127.0.0.1 and learns the person's address only
from the header the proxy appends.
"""

import html
import http.client
import http.server
import re
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest

from conftest import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

LOGIN = "/accounts/login/"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_for(port: int) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.02)
    raise RuntimeError(f"nothing listens on {port}")


NGINX = """
daemon off;
master_process off;
worker_processes 1;
pid {dir}/nginx.pid;
error_log {dir}/error.log;
events {{ worker_connections 64; }}
http {{
  access_log off;
  client_body_temp_path {dir}/body;
  proxy_temp_path {dir}/proxy;
  fastcgi_temp_path {dir}/fastcgi;
  uwsgi_temp_path {dir}/uwsgi;
  scgi_temp_path {dir}/scgi;
  server {{
    listen 127.0.0.1:{port};
    location / {{
      proxy_pass http://127.0.0.1:{upstream};
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
    }}
  }}
}}
"""


def _nginx(upstream: int, directory: Path) -> Iterator[int]:
    port = _free_port()
    (directory / "nginx.conf").write_text(NGINX.format(dir=directory, port=port, upstream=upstream))
    process = subprocess.Popen(  # noqa: S603 — a fixed command line
        [shutil.which("nginx") or "nginx", "-p", str(directory), "-c", str(directory / "nginx.conf")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for(port)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)


class _Forwarder(http.server.BaseHTTPRequestHandler):
    """What nginx does here: pass the request on, appending the peer to X-Forwarded-For."""

    upstream = 0
    protocol_version = "HTTP/1.0"

    def _forward(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        headers = {k: v for k, v in self.headers.items() if k.lower() not in {"connection", "x-forwarded-for"}}
        given = self.headers.get("X-Forwarded-For")
        headers["X-Forwarded-For"] = f"{given}, {self.client_address[0]}" if given else self.client_address[0]
        upstream = http.client.HTTPConnection("127.0.0.1", self.upstream, source_address=("127.0.0.1", 0))
        upstream.request(self.command, self.path, body=body, headers=headers)
        answer = upstream.getresponse()
        data = answer.read()
        self.send_response(answer.status)
        for name, value in answer.getheaders():
            if name.lower() not in {"connection", "transfer-encoding"}:
                self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)
        upstream.close()

    do_GET = do_POST = _forward

    def log_message(self, *args: object) -> None:
        pass


def _python_proxy(upstream: int) -> Iterator[int]:
    handler = type("Forwarder", (_Forwarder,), {"upstream": upstream})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield int(server.server_address[1])
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def proxy(live_server, settings, tmp_path):
    """The port of a reverse proxy in front of the live server, the only trusted proxy."""
    settings.TRUSTED_PROXIES = ["127.0.0.1/32"]
    upstream = urlsplit(live_server.url).port
    if shutil.which("nginx"):
        yield from _nginx(upstream, tmp_path)
    else:
        yield from _python_proxy(upstream)


class Person:
    """A browser at its own loopback address."""

    def __init__(self, port: int, address: str) -> None:
        self.port, self.address = port, address
        self.cookies: dict[str, str] = {}

    def request(
        self, method: str, path: str, body: dict[str, str] | None = None, headers: dict[str, str] | None = None
    ):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30, source_address=(self.address, 0))
        sent = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()), **(headers or {})}
        data = None
        if body is not None:
            data = urlencode(body)
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=data, headers=sent)
        response = connection.getresponse()
        text = response.read().decode()
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _eq, rest = value.partition("=")
                self.cookies[key] = rest.split(";", 1)[0]
        connection.close()
        return response.status, text

    def log_in(self, username: str, password: str, **headers: str) -> int:
        _status, page = self.request("GET", LOGIN)
        token = html.unescape(re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1))
        status, _text = self.request(
            "POST",
            LOGIN,
            {"username": username, "password": password, "csrfmiddlewaretoken": token},
            headers,
        )
        return status


def test_five_typos_by_five_people_behind_the_proxy_leave_the_leader_able_to_log_in(proxy, make_staff):
    make_staff("district_leader", "leader", department=None)
    for n in range(5):
        assert Person(proxy, f"127.0.0.{n + 2}").log_in(f"colleague{n}", "typo") == 200

    assert Person(proxy, "127.0.0.20").log_in("leader", PASSWORD) == 302


def test_a_guesser_behind_the_proxy_is_locked_at_their_address_whatever_they_claim(proxy, clerk):
    guesser = Person(proxy, "127.0.0.30")
    for n in range(5):
        guesser.log_in("clerk", "guess", **{"X-Forwarded-For": f"10.7.7.{n}"})

    assert guesser.log_in("clerk", PASSWORD, **{"X-Forwarded-For": "10.8.8.8"}) == 429
    assert Person(proxy, "127.0.0.31").log_in("clerk", PASSWORD) == 302  # the clerk, at their desk


def test_a_client_that_bypasses_the_proxy_is_known_by_its_own_address(live_server, settings, clerk):
    settings.TRUSTED_PROXIES = ["127.0.0.1/32"]
    direct = Person(urlsplit(live_server.url).port, "127.0.0.40")
    for n in range(5):
        direct.log_in("clerk", "guess", **{"X-Forwarded-For": f"10.9.9.{n}"})

    assert direct.log_in("clerk", PASSWORD, **{"X-Forwarded-For": "10.9.9.99"}) == 429
