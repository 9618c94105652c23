from django.urls import path

from dgov.notices import views

app_name = "notices"
urlpatterns = [
    path("mine/", views.mine, name="mine"),
    path("seal/", views.queue, name="queue"),
    path("seal/auto/", views.auto_seal, name="auto_seal"),
    path("templates/", views.templates, name="templates"),
    path("templates/<slug:kind>/", views.template, name="template"),
    path("settings/", views.settings_page, name="settings"),
    path("v/<str:code>/<str:name>", views.sealed_record, name="sealed_record"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/pdf/", views.download, name="download"),
    path("<int:pk>/print/", views.print_copy, name="print"),
]
