"""``manage.py generate_cases --count N``: realistic cases in bulk for benchmarks and trials
(``dgov.cockpit.generate``); refuses to run in production."""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from dgov.accounts import demo as accounts_demo
from dgov.cockpit.generate import generate


class Command(BaseCommand):
    help = "Fill the demo district with N realistic cases (COPY on PostgreSQL) and their summary figures."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--count", type=int, required=True, help="how many cases to make")
        parser.add_argument("--months", type=int, default=24, help="received over the last so many months")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--workers", type=int, default=1, help="processes making the cases (PostgreSQL, from 50,000 cases)"
        )
        parser.add_argument(
            "--summary-from-python",
            action="store_true",
            help="add up the summary from Python every 500,000 cases, the way before the staging table (to compare)",
        )
        parser.add_argument(
            "--leave-to-job", action="store_true", help="leave the summary to the job runner (the refresh benchmark)"
        )

    def handle(  # noqa: PLR0913
        self,
        *args: Any,
        count: int,
        months: int,
        seed: int,
        leave_to_job: bool,
        workers: int,
        summary_from_python: bool,
        **options: Any,
    ) -> None:
        if settings.PRODUCTION:
            raise CommandError("Generated cases are not for production.")
        if count < 1 or months < 1 or months > 120 or workers < 1:
            raise CommandError("--count and --workers must be positive and --months between 1 and 120.")
        from dgov.services import demo as services_demo

        district, _logins = accounts_demo.load()
        services_demo.load(district)

        def progress(made: int, seconds: float) -> None:
            self.stdout.write(f"{made:>12,} cases  {seconds:8.1f} s  {made / max(seconds, 1e-9):10,.0f} cases/s")

        rows = generate(
            district,
            count,
            months=months,
            seed=seed,
            summarise=not leave_to_job,
            progress=progress,
            workers=workers,
            staged=not summary_from_python,
        )
        self.stdout.write(f"{count:,} cases, {rows:,} rows written.")
