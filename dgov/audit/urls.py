from django.urls import path

from dgov.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.entry_list, name="entries"),
    path("rebaseline/", views.rebaseline, name="rebaseline"),
    path("rebaseline/<int:pk>/approve/", views.rebaseline_approve, name="rebaseline_approve"),
]
