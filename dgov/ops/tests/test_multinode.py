"""The multi-node drill of ``bench/multinode.py``, short: two web nodes behind nginx, two
job runners, a primary and a streaming replica, a load of lifecycles while a web node
and a runner are killed with SIGKILL; nothing lost or doubled, every e-mail sent, the
audit trail intact, the replica serving the search."""

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="several nodes share one database only on PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_nodes_and_two_runners_survive_kills_losing_and_doubling_nothing() -> None:
    if subprocess.run(["which", "nginx"], capture_output=True).returncode != 0 and not Path("/usr/sbin/nginx").exists():
        pytest.skip("nginx is not installed (make system-deps installs it)")
    database = connection.settings_dict
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DB_", "DGOV_", "PYTEST"))}
    env.update(DB_ENGINE="postgres", DB_HOST=database["HOST"], DB_PORT=str(database["PORT"]), DB_USER=database["USER"],
               DB_PASSWORD=database["PASSWORD"] or "", DB_NAME=database["NAME"])  # fmt: skip
    done = subprocess.run(
        [sys.executable, "bench/multinode.py", "--no-migrate", "--seconds", "6", "--clients", "2", "--kills", "2"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    figures: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert figures["problems"] == 0
    assert figures["web_kills"] >= 1 and figures["runner_kills"] >= 1
    assert figures["transitions"] > 0 and figures["emails"] > 0
    assert figures["emails_unsent"] == 0 and figures["emails_missing"] == 0
    assert figures["searches"] > 0 and figures["replica_transactions"] > 0
