"""The ceiling the lifecycle benchmark compares against (``bench/lifecycle.py``): the
bare minimum a transition does, one insert, one update and one insert in a transaction.
Routed only when ``BENCHMARK_VIEWS`` is on (``DGOV_BENCHMARK_VIEWS=1``)."""

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from dgov.api.models import BenchRow
from dgov.lib.env import env_bool


def enabled() -> bool:
    return bool(getattr(settings, "BENCHMARK_VIEWS", env_bool("DGOV_BENCHMARK_VIEWS")))


@csrf_exempt
@require_POST
def bench_transaction(request: HttpRequest) -> JsonResponse:
    with transaction.atomic():
        row = BenchRow.objects.create(kind="first")
        BenchRow.objects.filter(pk=row.pk).update(counter=F("counter") + 1)
        BenchRow.objects.create(kind="second")
    return JsonResponse({"id": row.pk})
