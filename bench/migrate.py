"""`migrate` on an empty database: the migrations as they are against the same migrations
before the operations of each were folded into their CreateModel (decision 0034).

    nice -n 10 .venv/bin/python bench/migrate.py                                # SQLite
    bin/throwaway-postgres nice -n 10 .venv/bin/python bench/migrate.py         # PostgreSQL

The "before" tree is this checkout with the files of the folding commit taken from its
parent. Runs alternate (before, after, before, after, ...) so that both see the same load.
Prints the CPU time of each `migrate` process (on PostgreSQL the server's work is not in it:
the wall time is printed too), and checks that both produced the same schema and the same
rows (`sqlite3 .schema` / `pg_dump --schema-only`, every table's rows but the ids and
timestamps of content types, permissions and applied migrations)."""

import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ROUNDS = int(os.environ.get("ROUNDS", "2"))
POSTGRES = os.environ.get("DB_ENGINE") == "postgres"
FOLD = "folded into that CreateModel"


def git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=ROOT, check=True, capture_output=True, text=True).stdout


def before_tree(into: Path) -> None:
    fold = git("log", "--format=%H", "-1", f"--grep={FOLD}").strip()
    if not fold:
        sys.exit("the folding commit is not in this branch")
    into.mkdir()
    subprocess.run(f"git archive HEAD | tar -x -C {into}", shell=True, cwd=ROOT, check=True)
    for path in git("diff", "--name-only", f"{fold}^", fold, "--", "dgov").split():
        (into / path).write_text(git("show", f"{fold}^:{path}"))
    (into / ".venv").symlink_to(ROOT / ".venv")


def migrate(tree: Path, name: str) -> tuple[float, float]:
    env = dict(os.environ, DB_NAME=name)
    if POSTGRES:
        pg = ["-h", env["DB_HOST"], "-p", env["DB_PORT"], "-U", env["DB_USER"]]
        subprocess.run(["dropdb", "--if-exists", *pg, name], check=True)
        subprocess.run(["createdb", *pg, name], check=True)
    else:
        Path(name).unlink(missing_ok=True)
    cpu0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall = time.perf_counter()
    subprocess.run([str(ROOT / ".venv/bin/python"), "manage.py", "migrate", "-v0"], cwd=tree, env=env, check=True)
    cpu1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (cpu1.ru_utime + cpu1.ru_stime - cpu0.ru_utime - cpu0.ru_stime), time.perf_counter() - wall


STAMP = re.compile(r"'20\d\d-\d\d-\d\d[ T][0-9:.+]+'")
SKIP = re.compile(r"auth_permission|auth_group_permissions|django_content_type|django_migrations|sqlite_sequence")
GRANTS = (
    "select g.name, ct.app_label, p.codename from auth_group_permissions gp join auth_group g on g.id = gp.group_id"
    " join auth_permission p on p.id = gp.permission_id join django_content_type ct on ct.id = p.content_type_id"
    " order by 1, 2, 3"
)


def dump(name: str) -> tuple[str, str]:
    """The schema, and every row but the tables above (with timestamps blanked), plus
    which group holds which permission by name."""
    if POSTGRES:
        pg = ["-h", os.environ["DB_HOST"], "-p", os.environ["DB_PORT"], "-U", os.environ["DB_USER"]]
        schema = subprocess.run(["pg_dump", *pg, "--schema-only", name], check=True, capture_output=True, text=True)
        lines = [x for x in schema.stdout.splitlines() if not x.startswith(("--", "\\restrict", "\\unrestrict"))]
        data = subprocess.run(["pg_dump", *pg, "--data-only", "--inserts", name], capture_output=True, text=True)
        grants = subprocess.run(["psql", *pg, "-At", name, "-c", GRANTS], check=True, capture_output=True, text=True)
        rows = data.stdout.splitlines()
    else:
        lines = subprocess.run(["sqlite3", name, ".schema"], check=True, capture_output=True, text=True).stdout
        lines = sorted(lines.splitlines())
        rows = subprocess.run(["sqlite3", name, ".dump"], check=True, capture_output=True, text=True).stdout
        rows = rows.splitlines()
        grants = subprocess.run(["sqlite3", name, GRANTS], check=True, capture_output=True, text=True)
    kept = sorted(STAMP.sub("'T'", x) for x in rows if x.startswith("INSERT") and not SKIP.search(x))
    return "\n".join(lines), "\n".join(kept) + "\n" + grants.stdout


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="bench-migrate-"))
    try:
        before_tree(work / "before")
        trees = {"before": work / "before", "after": ROOT}
        names = {k: (f"bench_migrate_{k}" if POSTGRES else str(work / f"{k}.sqlite3")) for k in trees}
        figures: dict[str, list[tuple[float, float]]] = {k: [] for k in trees}
        for _ in range(ROUNDS):
            for k in trees:
                figures[k].append(migrate(trees[k], names[k]))
                print(f"{k:6} CPU {figures[k][-1][0]:6.1f} s  wall {figures[k][-1][1]:6.1f} s", flush=True)
        engine = "PostgreSQL" if POSTGRES else "SQLite"
        cpu = {k: min(c for c, _ in v) for k, v in figures.items()}
        wall = {k: min(w for _, w in v) for k, v in figures.items()}
        print(
            f"{engine}, best of {ROUNDS}, load {os.getloadavg()[0]:.1f}: migrate CPU {cpu['before']:.1f} -> "
            f"{cpu['after']:.1f} s ({cpu['after'] / cpu['before']:.2f}x), wall {wall['before']:.1f} -> "
            f"{wall['after']:.1f} s ({wall['after'] / wall['before']:.2f}x)"
        )
        (schema_b, rows_b), (schema_a, rows_a) = dump(names["before"]), dump(names["after"])
        print("same schema:", schema_b == schema_a, f"({schema_a.count(chr(10)) + 1} lines)")
        print("same rows:", rows_b == rows_a, f"({rows_a.count(chr(10)) + 1} lines)")
        if schema_b != schema_a or rows_b != rows_a:
            sys.exit(1)
    finally:
        shutil.rmtree(work)
        if POSTGRES:
            pg = ["-h", os.environ["DB_HOST"], "-p", os.environ["DB_PORT"], "-U", os.environ["DB_USER"]]
            for k in ("before", "after"):
                subprocess.run(["dropdb", "--if-exists", *pg, f"bench_migrate_{k}"], check=False)


if __name__ == "__main__":
    main()
