from django.urls import path

from dgov.ops.metrics import metrics_view

app_name = "ops"
urlpatterns = [path("metrics", metrics_view, name="metrics")]
