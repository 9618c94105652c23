from django.urls import path

from dgov.applications import views

app_name = "applications"
urlpatterns = [
    path("apply/<str:code>/", views.apply, name="apply"),
    path("window/new/", views.window_new, name="window_new"),
    path("queue/", views.queue, name="queue"),
    path("mine/", views.mine, name="mine"),
    path("messages/", views.inbox, name="messages"),
    path("lookup/", views.lookup, name="lookup"),
    path("<int:pk>/", views.case, name="case"),
    path("<int:pk>/reveal-address/", views.reveal_address, name="reveal_address"),
    path("<int:pk>/<slug:action>/", views.act, name="act"),
]
