from django.urls import path

from dgov.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.index, name="index"),
    path("home/", views.home, name="home"),
    path("my/", views.my, name="my"),
    path("large-text/", views.large_text, name="large_text"),
    path("staff/<slug:role>/", views.workbench, name="workbench"),
]
