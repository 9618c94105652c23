from decimal import Decimal

from django import template

from dgov.investment.models import plain as plain_decimal

register = template.Library()


@register.filter
def plain(value: Decimal | None) -> str:
    """24.5000 → 24.5, 30000.00 → 30000 (never 3E+4)."""
    return "" if value is None else plain_decimal(value)
