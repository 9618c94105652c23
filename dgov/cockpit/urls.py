from django.urls import path

from dgov.cockpit import views

app_name = "cockpit"
urlpatterns = [
    path("", views.cockpit, name="cockpit"),
    path("cases/", views.cases, name="cases"),
    path("charts/<slug:key>.<str:fmt>", views.chart_download, name="chart_download"),
]
