from django.urls import path

from dgov.cockpit import views

app_name = "open_data"
urlpatterns = [
    path("", views.open_data, name="index"),
    path("figures.csv", views.open_data_csv, name="csv"),
    path("figures.json", views.open_data_json, name="json"),
]
