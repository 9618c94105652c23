from django.urls import path

from dgov.bundles import views

app_name = "bundles"
urlpatterns = [
    path("", views.index, name="index"),
    path("mine/", views.mine, name="mine"),
    path("intake/", views.intake, name="intake"),
    path("window/new/", views.window_new, name="window_new"),
    path("manage/", views.manage, name="manage"),
    path("manage/new/", views.edit, name="new"),
    path("manage/<int:pk>/", views.edit, name="edit"),
    path("applications/<int:pk>/", views.case, name="case"),
    path("applications/<int:pk>/<slug:action>/", views.act, name="act"),
    path("<slug:code>/", views.detail, name="detail"),
    path("<slug:code>/apply/", views.apply, name="apply"),
]
