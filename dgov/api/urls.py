from django.urls import URLPattern, URLResolver, path

from dgov.api import bench
from dgov.api.views import api

# The bare view of bench/lifecycle.py: routed only while a benchmark runs.
BENCHMARK_PATTERNS = [path("bench/transaction", bench.bench_transaction, name="bench-transaction")]

urlpatterns: list[URLPattern | URLResolver] = [*(BENCHMARK_PATTERNS if bench.enabled() else []), path("", api.urls)]
