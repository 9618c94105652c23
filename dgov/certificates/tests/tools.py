"""The outside tools a bank or a court would use, driven the way their manuals say."""

import http.server
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

PYHANKO = str(Path(sys.executable).parent / "pyhanko")


def nss_store(directory: Path, ca_pem: str) -> str:
    """An NSS database trusting the district CA, for pdfsig."""
    directory.mkdir(parents=True, exist_ok=True)
    subprocess.run(["certutil", "-N", "-d", f"sql:{directory}", "--empty-password"], check=True, capture_output=True)
    if not ca_pem:
        return f"sql:{directory}"
    (directory / "ca.pem").write_text(ca_pem)
    subprocess.run(
        ["certutil", "-A", "-d", f"sql:{directory}", "-n", "dgov-ca", "-t", "C,C,C", "-i", str(directory / "ca.pem")],
        check=True,
        capture_output=True,
    )
    return f"sql:{directory}"


def pdfsig(path: Path, nssdir: str) -> str:
    return subprocess.run(["pdfsig", "-nssdir", nssdir, str(path)], capture_output=True, text=True, check=False).stdout


def pyhanko_validate(path: Path, ca_file: Path) -> tuple[bool, str]:
    """``pyhanko sign validate --force-revinfo --trust ca.pem``: fetches the CRL from the
    distribution point named in the certificates."""
    result = subprocess.run(
        [PYHANKO, "sign", "validate", "--force-revinfo", "--trust", str(ca_file), "--trust-replace", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    return result.returncode == 0 and "INTACT:TRUSTED" in result.stdout, result.stdout + result.stderr


def openssl_sm2_verify(directory: Path, public_pem: str, metadata: bytes, seal: bytes) -> bool:
    (directory / "seal-sm2.pem").write_text(public_pem)
    (directory / "metadata.json").write_bytes(metadata)
    (directory / "seal.der").write_bytes(seal)
    result = subprocess.run(
        ["openssl", "pkeyutl", "-verify", "-pubin", "-inkey", "seal-sm2.pem", "-rawin", "-digest", "sm3",
         "-pkeyopt", "distid:1234567812345678", "-in", "metadata.json", "-sigfile", "seal.der"],
        cwd=directory, capture_output=True, text=True, check=False,
    )  # fmt: skip
    return result.returncode == 0 and "Signature Verified Successfully" in result.stdout


class CrlServer:
    """Serves whatever CRL it was last given, at any path, on a loopback port."""

    def __init__(self) -> None:
        self.der = b""
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 — http.server's name
                self.send_response(200 if server.der else 404)
                self.send_header("Content-Type", "application/pkix-crl")
                self.send_header("Content-Length", str(len(server.der)))
                self.end_headers()
                self.wfile.write(server.der)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def publish(self, district: object) -> None:
        from dgov.certificates.models import RevocationList

        self.der = bytes(RevocationList.objects.filter(district=district).order_by("-number").first().der)  # type: ignore[union-attr]


@contextmanager
def crl_server() -> Iterator[CrlServer]:
    server = CrlServer()
    try:
        yield server
    finally:
        server.httpd.shutdown()
        server.httpd.server_close()


@contextmanager
def http_tsa(timestamper_factory: object) -> Iterator[str]:
    """An RFC 3161 server over HTTP on a loopback port, answering with the timestamper
    ``timestamper_factory()`` makes; yields its URL."""
    from asn1crypto import tsp

    class Handler(http.server.BaseHTTPRequestHandler):
        requests = 0

        def do_POST(self) -> None:  # noqa: N802 — http.server's name
            request = tsp.TimeStampReq.load(self.rfile.read(int(self.headers["Content-Length"])))
            answer = timestamper_factory().request_tsa_response(request).dump()  # type: ignore[operator]
            Handler.requests += 1
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args: object) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/tsa"
    finally:
        httpd.shutdown()
        httpd.server_close()
