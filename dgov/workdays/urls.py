from django.urls import path

from dgov.workdays import views

app_name = "workdays"
urlpatterns = [
    path("", views.this_year, name="index"),
    path("<int:year>/", views.year_view, name="year"),
    path("day/", views.day_edit, name="day"),
    path("import/", views.import_calendar, name="import"),
    path("api/add", views.api_add, name="api_add"),
    path("api/between", views.api_between, name="api_between"),
]
