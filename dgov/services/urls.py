from django.urls import path

from dgov.services import views

app_name = "services"
urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("search/", views.search_view, name="search"),
    path("item/<str:code>/", views.guide, name="guide"),
    path("item/<str:code>/v<int:number>/", views.guide, name="guide_version"),
    path("item/<str:code>/files/<int:pk>/<str:name>", views.guide_file, name="guide_file"),
    path("department/<int:pk>/", views.department_items, name="department"),
    path("event/<int:pk>/", views.event_items, name="event"),
    path("staff/", views.staff_items, name="staff_items"),
    path("staff/new/", views.staff_edit, name="staff_create"),
    path("staff/<int:pk>/edit/", views.staff_edit, name="staff_edit"),
    path("staff/<int:pk>/files/", views.staff_files, name="staff_files"),
    path("staff/files/<int:pk>/remove/", views.staff_file_remove, name="staff_file_remove"),
    path("staff/export.xlsx", views.staff_export, name="staff_export"),
    path("staff/import/", views.staff_import, name="staff_import"),
]
