from django.urls import path

from dgov.events import views

app_name = "events"

urlpatterns = [
    path("", views.events, name="events"),
    path("<int:pk>/", views.event, name="event"),
    path("follow-ups/", views.follow_ups, name="follow_ups"),
    path("follow-ups/<int:pk>/done/", views.follow_up_done, name="follow_up_done"),
    path("targets/", views.targets, name="targets"),
    path("starts/", views.starts, name="starts"),
    path("starts/<int:pk>/", views.start, name="start"),
    path("starts/<int:pk>/hold/", views.start_hold, name="start_hold"),
]
