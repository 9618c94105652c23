"""Following an application in the green channel when the applications app announces its
transitions (``dgov.applications.signals.application_moved``): its shortened deadline
starts when the application is accepted and closes when it is decided."""

from typing import Any

from dgov.secretaries.models import GreenChannelCase

# The transitions that start or close the shortened deadline.
FOLLOWED = frozenset({"accept", "approve", "deny"})

# The green-channel case, if any, of the application ``a``: read with the application on
# every transition (``apps.SecretariesConfig.ready``, ``dgov.applications.loading.add_fact``).
GREEN_OF_SQL = "SELECT id FROM secretaries_greenchannelcase WHERE application_id = a.id"


def application_moved(sender: Any, application: Any, verb: str = "", by: Any = None, **kwargs: Any) -> None:
    if verb not in FOLLOWED:
        return
    from dgov.applications import loading
    from dgov.secretaries.actions import application_moved as follow

    # An application loaded by the API's loader knows already (``apps.SecretariesConfig``).
    green_pk = loading.fact(application, "green")
    if green_pk is loading.MISSING:
        green_pk = GreenChannelCase.objects.filter(application_id=application.pk).values_list("pk", flat=True).first()
    if green_pk is not None:
        follow(application, verb, green_pk=green_pk)
