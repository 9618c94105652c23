"""Following an application in the green channel when the applications app announces its
transitions (``dgov.applications.signals.application_moved``): its shortened deadline
starts when the application is accepted and closes when it is decided."""

from typing import Any

from dgov.secretaries.models import GreenChannelCase

# The transitions that start or close the shortened deadline.
FOLLOWED = frozenset({"accept", "approve", "deny"})

GREEN_OF_SQL = "SELECT {} FROM {} WHERE {} = %s".format(  # noqa: S608 — names from the model
    GreenChannelCase._meta.pk.column,  # type: ignore[union-attr]
    GreenChannelCase._meta.db_table,
    GreenChannelCase._meta.get_field("application").column,
)


def application_moved(sender: Any, application: Any, verb: str = "", by: Any = None, **kwargs: Any) -> None:
    if verb not in FOLLOWED:
        return
    from dgov.lib import fastsql
    from dgov.secretaries.actions import application_moved as follow

    # An application loaded by the API's loader knows already (``apps.SecretariesConfig``).
    facts = getattr(application, "facts", None)
    if facts is not None and "green" in facts:
        green_pk = facts["green"]
    else:
        with fastsql.cursor() as cursor:
            cursor.execute(GREEN_OF_SQL, [application.pk])
            row = cursor.fetchone()
        green_pk = row[0] if row is not None else None
    if green_pk is not None:
        follow(application, verb, green_pk=green_pk)
