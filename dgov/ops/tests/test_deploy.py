"""The files of deploy/ are checked by the tools that will read them: ``nginx -t`` on the
site, ``systemd-analyze verify`` on the units, gunicorn on its settings; the environment
template is held against the settings it documents."""

import ast
import json
import math
import re
import shutil
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from dgov.documents.checks import MB
from dgov.documents.middleware import max_request_size

ROOT = Path(__file__).resolve().parents[3]
DEPLOY = ROOT / "deploy"
UNITS = sorted((DEPLOY / "systemd").glob("dgov-*.*"))


def tool(name: str) -> str:
    found = shutil.which(name) or shutil.which(name, path="/usr/sbin:/sbin")
    if found is None:
        pytest.skip(f"{name} is not installed (make system-deps installs it)")
    return found


# -- nginx ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def self_signed(tmp_path_factory: Any) -> tuple[Path, Path]:
    directory = tmp_path_factory.mktemp("tls")
    key, cert = directory / "privkey.pem", directory / "fullchain.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=zwfw.kuancheng.gov.cn",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


def nginx_test_config(directory: Path, cert: Path, key: Path) -> Path:
    """The site as shipped, with only its machine paths pointed into ``directory``."""
    site = (DEPLOY / "nginx" / "dgov.conf").read_text()
    params = directory / "dgov_proxy_params"
    shutil.copy(DEPLOY / "nginx" / "dgov_proxy_params", params)
    site = (
        site.replace("/etc/ssl/dgov/fullchain.pem", str(cert))
        .replace("/etc/ssl/dgov/privkey.pem", str(key))
        .replace("/etc/nginx/dgov_proxy_params", str(params))
        .replace("/var/log/nginx/", f"{directory}/")
    )
    (directory / "dgov.conf").write_text(site)
    main = directory / "nginx.conf"
    main.write_text(
        f"pid {directory}/nginx.pid;\nerror_log {directory}/error.log;\nevents {{}}\nhttp {{\n"
        f"  include /etc/nginx/mime.types;\n  access_log {directory}/access.log;\n"
        + "".join(
            f"  {kind}_temp_path {directory}/{kind};\n" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        + f"  include {directory}/dgov.conf;\n}}\n"
    )
    return main


def test_nginx_accepts_the_site(tmp_path: Path, self_signed: tuple[Path, Path]) -> None:
    nginx = tool("nginx")
    main = nginx_test_config(tmp_path, *self_signed)
    done = subprocess.run(
        [nginx, "-t", "-q", "-p", str(tmp_path), "-c", str(main), "-e", str(tmp_path / "error.log")],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr + (tmp_path / "error.log").read_text()
    assert "warn" not in done.stderr + (tmp_path / "error.log").read_text()


def nginx_values(directive: str) -> list[str]:
    return re.findall(rf"^\s*{directive}\s+(.+);\s*$", (DEPLOY / "nginx" / "dgov.conf").read_text(), re.MULTILINE)


def test_the_upload_limit_matches_the_application() -> None:
    # The most a form may carry: ten files of DGOV_UPLOAD_MAX_MB, plus 1 MB of fields (413 beyond).
    expected = math.ceil(max_request_size() / MB)
    assert nginx_values("client_max_body_size") == [f"{expected}m"]


def production_setting(name: str) -> Any:
    code = f"import django; django.setup(); from django.conf import settings; import json; print(json.dumps(settings.{name}))"
    env = {"DJANGO_SETTINGS_MODULE": "dgov.settings", "DGOV_ENV": "production", "SECRET_KEY": "kQ7-x2Lp9@vZ" * 6,
           "ALLOWED_HOSTS": "gov.example", "PATH": "/usr/bin:/bin", "DGOV_PUBLIC_URL": "https://gov.example"}  # fmt: skip
    done = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def test_hsts_in_nginx_is_what_django_sends() -> None:
    headers = [value for value in nginx_values("add_header") if value.startswith("Strict-Transport-Security")]
    assert len(headers) == 2  # the server and the static location (add_header does not inherit)
    seconds = production_setting("SECURE_HSTS_SECONDS")
    assert all(f"max-age={seconds}; includeSubDomains; preload" in header for header in headers)


def test_static_files_come_from_collectstatic_output() -> None:
    from django.conf import settings

    assert nginx_values("alias") == [f"/srv/dgov/{Path(settings.STATIC_ROOT).name}/"]
    assert re.search(r"location /static/ \{", (DEPLOY / "nginx" / "dgov.conf").read_text())


def test_the_proxy_sets_the_forwarded_headers_the_application_trusts() -> None:
    params = (DEPLOY / "nginx" / "dgov_proxy_params").read_text()
    for header in (
        "X-Forwarded-For $remote_addr",
        "X-Forwarded-Proto $scheme",
        "X-Request-ID $request_id",
        "Host $host",
    ):
        assert f"proxy_set_header {header};" in params
    assert production_setting("SECURE_PROXY_SSL_HEADER") == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert "non_idempotent" not in params  # a POST is never sent to a second node


# -- systemd -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def unit_root(tmp_path_factory: Any) -> Path:
    """A root holding systemd's own units, the ones of deploy/, and stand-ins for the
    executables they name, so ``verify`` checks our units and not this machine."""
    root = tmp_path_factory.mktemp("root")
    (root / "usr/lib/systemd").mkdir(parents=True)
    shutil.copytree("/usr/lib/systemd/system", root / "usr/lib/systemd/system", symlinks=True)
    (root / "etc/systemd/system").mkdir(parents=True)
    for unit in UNITS:
        shutil.copy(unit, root / "etc/systemd/system" / unit.name)
    for executable in ("srv/dgov/.venv/bin/python", "srv/dgov/.venv/bin/gunicorn", "bin/kill", "usr/bin/env"):
        path = root / executable
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("#!/bin/sh\n")
        path.chmod(0o755)
    return root


@pytest.mark.parametrize("unit", [unit.name for unit in UNITS])
def test_systemd_verifies_the_unit(unit: str, unit_root: Path) -> None:
    analyze = tool("systemd-analyze")
    done = subprocess.run([analyze, "verify", f"--root={unit_root}", unit], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip() == "", done.stderr  # unknown keys and bad values are only warnings


def unit_options(name: str) -> dict[str, list[str]]:
    options: dict[str, list[str]] = {}
    for line in (DEPLOY / "systemd" / name).read_text().splitlines():
        if "=" in line and not line.startswith(("#", "[")):
            key, value = line.split("=", 1)
            options.setdefault(key, []).append(value)
    return options


@pytest.mark.parametrize("unit", ["dgov-web.service", "dgov-jobs.service"])
def test_the_long_running_units_restart_and_are_hardened(unit: str) -> None:
    options = unit_options(unit)
    assert options["Restart"] == ["on-failure"]
    for key, value in {"ProtectSystem": "strict", "NoNewPrivileges": "true", "PrivateTmp": "true", "ProtectHome": "true",
                       "PrivateDevices": "true", "CapabilityBoundingSet": "", "User": "dgov"}.items():  # fmt: skip
        assert options[key] == [value], key
    assert options["StateDirectory"] == ["dgov"]
    assert options["ExecStartPre"] == ["/srv/dgov/.venv/bin/python manage.py check --deploy --fail-level ERROR"]


def test_the_web_unit_waits_for_liveness_on_the_port_gunicorn_binds() -> None:
    options = unit_options("dgov-web.service")
    assert options["Type"] == ["notify"]  # gunicorn tells systemd when it is up
    namespace: dict[str, Any] = {}
    exec(compile((DEPLOY / "gunicorn.conf.py").read_text(), "gunicorn.conf.py", "exec"), namespace)  # noqa: S102
    assert options["ExecStartPost"] == [
        f"/srv/dgov/.venv/bin/python -m dgov.ops.probe http://{namespace['bind']}/healthz 60"
    ]
    assert options["Environment"] == ["PROMETHEUS_MULTIPROC_DIR=/run/dgov-web"]
    assert options["RuntimeDirectory"] == ["dgov-web"]


# -- gunicorn ------------------------------------------------------------------------


def test_gunicorn_accepts_its_settings() -> None:
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    done = subprocess.run([gunicorn, "--check-config", "--config", str(DEPLOY / "gunicorn.conf.py"), "dgov.wsgi"],
                          cwd=ROOT, capture_output=True, text=True)  # fmt: skip
    assert done.returncode == 0, done.stderr


def test_the_access_log_is_json_with_the_request_id_and_the_client_through_the_proxy(settings: Any) -> None:
    from datetime import timedelta

    from gunicorn.config import Config

    from dgov.ops.accesslog import JsonAccessLogger

    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    config = Config()
    config.set("accesslog", "-")
    logger = JsonAccessLogger(config)
    lines: list[str] = []
    logger.access_log.info = lines.append  # type: ignore[method-assign]
    response = SimpleNamespace(headers=[("X-Request-ID", "abc123")], status_code=201, sent=17)
    # nginx on loopback appended the client; what the client wrote itself (6.6.6.6) is not read.
    environ = {"REQUEST_METHOD": "POST", "PATH_INFO": "/api/v1/applications", "REMOTE_ADDR": "127.0.0.1",
               "HTTP_X_FORWARDED_FOR": "6.6.6.6, 203.0.113.9", "HTTP_USER_AGENT": 'curl "quoted"'}  # fmt: skip
    logger.access(response, None, environ, timedelta(milliseconds=12.5))
    # Straight from outside, the header is the client's own word: its address is logged.
    logger.access(response, None, {"REMOTE_ADDR": "198.51.100.4", "HTTP_X_FORWARDED_FOR": "6.6.6.6"},
                  timedelta(milliseconds=1))  # fmt: skip
    line, direct = (json.loads(text) for text in lines)
    assert line["request_id"] == "abc123" and line["status"] == 201 and line["client"] == "203.0.113.9"
    assert line["duration_ms"] == 12.5 and line["user_agent"] == 'curl "quoted"'
    assert direct["client"] == "198.51.100.4"


# -- The environment template ----------------------------------------------------------


def variables_read() -> set[str]:
    names: set[str] = set()
    for source in (ROOT / "dgov" / "settings.py", DEPLOY / "gunicorn.conf.py"):
        for node in ast.walk(ast.parse(source.read_text())):
            if not isinstance(node, ast.Call) or not node.args or not isinstance(node.args[0], ast.Constant):
                continue
            called = ast.unparse(node.func)
            if called in {"env_str", "env_int", "env_bool", "env_list", "os.environ.get"}:
                names.add(node.args[0].value)
    return names


def variables_documented() -> set[str]:
    text = (DEPLOY / "dgov.env.example").read_text()
    return set(re.findall(r"^#?([A-Z][A-Z0-9_]+)=", text, re.MULTILINE))


def test_the_environment_template_lists_every_setting_and_nothing_else() -> None:
    read = variables_read()
    assert "DB_REPLICA_HOST" in read and "DGOV_BIND" in read  # the parser sees both files
    assert read - variables_documented() == set(), "settings missing from deploy/dgov.env.example"
    assert variables_documented() - read == set(), "deploy/dgov.env.example names settings nobody reads"


def test_the_environment_template_passes_the_production_checks(tmp_path: Path) -> None:
    """The template, with its secrets filled in, is a configuration the checks accept."""
    env = {"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "dgov.settings"}
    for name, value in re.findall(r"^([A-Z][A-Z0-9_]+)=(.*)$", (DEPLOY / "dgov.env.example").read_text(), re.MULTILINE):
        env[name] = value
    env.update(
        SECRET_KEY="kQ7-x2Lp9@vZ" * 6, DGOV_VAR_DIR=str(tmp_path), DGOV_AUDIT_CHECKPOINT_DIR=str(tmp_path / "cp")
    )
    done = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                          env=env, cwd=ROOT, capture_output=True, text=True)  # fmt: skip
    assert done.returncode == 0, done.stderr
