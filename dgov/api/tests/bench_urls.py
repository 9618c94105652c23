"""The benchmark's bare view as a run with ``DGOV_BENCHMARK_VIEWS=1`` routes it (URLs are
built at import time, so the test routes it here instead)."""

from django.urls import include, path

from dgov.api.urls import BENCHMARK_PATTERNS

urlpatterns = [path("api/", include(BENCHMARK_PATTERNS))]
