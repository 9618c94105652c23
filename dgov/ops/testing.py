"""PostgreSQL clusters for the drills: a fresh one to restore into, a copy of the test
primary made with ``pg_basebackup`` (a streaming replica, or a new primary that archives
its WAL with pgBackRest). Each listens on its own free loopback port and runs as the
``postgres`` user when the tests run as root (PostgreSQL refuses root), as
``bin/throwaway-postgres`` does.
"""

import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

PGBIN = Path(os.environ.get("PGBIN", "/usr/lib/postgresql/15/bin"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def as_postgres() -> list[str]:
    return ["runuser", "-u", "postgres", "--"] if os.getuid() == 0 else []


def workdir(prefix: str = "dgov-drill.") -> Path:
    """A directory the cluster's user may use (pytest's own tmp_path is root's, mode 0700)."""
    directory = Path(tempfile.mkdtemp(prefix=prefix))
    if os.getuid() == 0:
        shutil.chown(directory, "postgres", "postgres")
    return directory


def run(args: Sequence[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([*as_postgres(), *args], capture_output=True, text=True, **kwargs)  # noqa: S603
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed ({done.returncode}): {done.stderr.strip()}")
    return done


class Cluster:
    """One cluster in ``directory/data``; ``start()``/``stop()``; ``dsn()`` to connect."""

    def __init__(self, directory: Path, *, port: int | None = None) -> None:
        self.directory = Path(directory)
        self.data = self.directory / "data"
        self.port = port or free_port()
        self.log = self.directory / "server.log"

    @classmethod
    def fresh(cls, directory: Path) -> "Cluster":
        cluster = cls(directory)
        run([str(PGBIN / "initdb"), "-D", str(cluster.data), "-U", "dgov", "--auth=trust", "-E", "UTF8",
             "--locale=C.UTF-8"])  # fmt: skip
        return cluster

    @classmethod
    def copy_of(cls, port: int, directory: Path, *, replica: bool) -> "Cluster":
        """A base backup of the cluster on ``port``: a streaming replica of it
        (``replica=True``), or a new primary of its own."""
        cluster = cls(directory)
        args = [str(PGBIN / "pg_basebackup"), "-h", "127.0.0.1", "-p", str(port), "-U", "dgov", "-D", str(cluster.data),
                "-X", "stream", "-c", "fast"]  # fmt: skip
        run([*args, "-R"] if replica else args)
        return cluster

    def start(self, *options: str) -> "Cluster":
        settings = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.directory} -c max_connections=200 "
            + " ".join(options)
        )
        run(
            [
                str(PGBIN / "pg_ctl"),
                "-D",
                str(self.data),
                "-l",
                str(self.log),
                "-w",
                "-t",
                "120",
                "-o",
                settings,
                "start",
            ]
        )
        return self

    def stop(self, mode: str = "fast") -> None:
        stop = [*as_postgres(), str(PGBIN / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop"]
        subprocess.run(stop, capture_output=True)  # noqa: S603

    def remove(self) -> None:
        self.stop("immediate")
        shutil.rmtree(self.directory, ignore_errors=True)

    def connect(self, dbname: str = "postgres") -> Any:
        import psycopg

        return psycopg.connect(host="127.0.0.1", port=self.port, user="dgov", dbname=dbname, autocommit=True)

    def query(self, sql: str, params: Sequence[Any] = (), dbname: str = "postgres") -> list[tuple[Any, ...]]:
        with self.connect(dbname) as connection:
            cursor = connection.execute(sql, params)  # type: ignore[arg-type]
            return cursor.fetchall() if cursor.description is not None else []

    def wait_until(self, sql: str, *, dbname: str = "postgres", timeout: float = 60.0) -> None:
        """Until ``sql`` answers a true first column (e.g. replay caught up, promotion done)."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                if self.query(sql, dbname=dbname)[0][0]:
                    return
            except Exception:  # noqa: BLE001,S110 — starting up, recovering: ask again
                pass
            if time.monotonic() > deadline:
                raise TimeoutError(f"{sql!r} not true after {timeout} s on port {self.port}")
            time.sleep(0.1)

    def env(self, dbname: str) -> dict[str, str]:
        """The environment for a ``manage.py`` subprocess against this cluster."""
        return {"DB_ENGINE": "postgres", "DB_HOST": "127.0.0.1", "DB_PORT": str(self.port), "DB_USER": "dgov",
                "DB_PASSWORD": "", "DB_NAME": dbname}  # fmt: skip
