"""``{% green_channel_card application %}``: the green channel's tracking card, on any page
that shows an application (the case page among them), when the application has one."""

from typing import Any

from django import template

from dgov.lib import clock

register = template.Library()


@register.inclusion_tag("secretaries/_green_card.html")
def green_channel_card(application: Any) -> dict[str, Any]:
    from dgov.secretaries.models import GreenChannelCase
    from dgov.secretaries.reports import green_card

    case = (
        GreenChannelCase.objects.filter(application_id=application.pk)
        .select_related("project", "lead_official", "deadline")
        .first()
    )
    if case is None:
        return {"card": None}
    case.application = application
    return {"card": green_card(case, clock.today())}
