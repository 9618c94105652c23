"""A schema fuzzer against the live server: schemathesis generates requests from the
OpenAPI document (valid and invalid, with bounded examples per operation), anonymously
and with the token of one staff member who holds every role (so each operation is tried
past its permission check); no answer may be a server error (issue 19).

Runs the schemathesis CLI as an outside tool would, against ``live_server``.
"""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from dgov.applications import actions
from dgov.applications.models import Channel

# Bounded for `make test`; DGOV_FUZZ_EXAMPLES=50 for a deeper run by hand.
EXAMPLES = os.environ.get("DGOV_FUZZ_EXAMPLES", "3")
# Who calls: "anonymous" and "all" (one person with every role); DGOV_FUZZ_AS=anonymous,clerk,…
# adds single roles (usernames of the root conftest's personas) for a deeper run by hand.
IDENTITIES = os.environ.get("DGOV_FUZZ_AS", "anonymous,all").split(",")


def _schemathesis() -> str:
    found = Path(sys.executable).with_name("st")
    return str(found) if found.exists() else (shutil.which("st") or "st")


def _public_paths() -> list[str]:
    """Paths of the OpenAPI document whose every operation needs no token."""
    from dgov.api.views import api

    schema = api.get_openapi_schema()
    return [
        path
        for path, operations in schema["paths"].items()
        if all(not operation.get("security") for operation in operations.values())
    ]


@pytest.fixture
def cases(item: Any, citizen: Any, citizen_applicant: Any) -> None:
    actions.do_submit(item=item, applicant=citizen_applicant, by=citizen, channel=Channel.ONLINE, idempotency_key="k")


@pytest.mark.long(80)
@pytest.mark.django_db(transaction=True)
def test_no_generated_request_gets_a_server_error(
    live_server: Any, cases: None, make_staff: Any, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    from django.contrib.auth.models import Group

    from dgov.api.actions import do_create_api_token

    def person(name: str) -> Any:
        if name == "anonymous":
            return None
        if name != "all":
            return request.getfixturevalue(name)
        everything = make_staff("department_approver", "fuzz-all")
        everything.groups.set(Group.objects.all())
        return everything

    who = {name: person(name) for name in IDENTITIES}
    public = _public_paths()
    assert public, "the OpenAPI document declares no public operation"
    failures: dict[str, str] = {}
    for name, user in who.items():
        command = [
            _schemathesis(),
            "run",
            f"{live_server.url}/api/openapi.json",
            "--checks",
            "not_a_server_error",
            "--max-examples",
            EXAMPLES,
            "--phases",
            "examples,coverage,fuzzing",
            "--seed",
            "20261203",
            "--generation-database",
            "none",
            "--workers",
            "1",
            "--no-color",
            "--request-timeout",
            "30",
        ]
        if user is not None:
            _token, secret = do_create_api_token(user, f"fuzz {name}")
            command += ["--header", f"Authorization: Bearer {secret}"]
        else:
            # Anonymously, the operations that need no token: a token-only operation answers
            # an anonymous caller 401 before reading its parameters, which the role x URL
            # matrix asks of every API route (tests/matrix); fuzzing those ~1,200 cases
            # again cost a minute a database.
            command += ["--include-path-regex", "^(" + "|".join(re.escape(path) for path in public) + ")$"]
        run = subprocess.run(command, capture_output=True, text=True, cwd=tmp_path, timeout=600)
        if os.environ.get("DGOV_FUZZ_SHOW"):
            print(run.stdout[-3000:])
        if run.returncode != 0:
            failures[name] = run.stdout[-4000:] + run.stderr[-2000:]
        summary = re.search(r"(\d+) generated", run.stdout)
        assert summary is None or int(summary.group(1)) > 0, run.stdout[-2000:]
    assert failures == {}, "\n\n".join(f"== {k}\n{v}" for k, v in failures.items())
