from django.urls import path

from dgov.hall import views

app_name = "hall"

urlpatterns = [
    path("", views.kiosk, name="kiosk"),
    path("ticket/<str:token>/", views.ticket, name="ticket"),
    path("ticket/<str:token>/cancel/", views.ticket_cancel, name="ticket_cancel"),
    path("display/", views.display, name="display"),
    path("display/board/", views.display_board, name="display_board"),
    path("appointments/", views.appointments, name="appointments"),
    path("appointments/<int:pk>/<slug:action>/", views.appointment_act, name="appointment_act"),
    path("window/", views.window, name="window"),
    path("window/call/", views.call_next, name="call_next"),
    path("tickets/<int:pk>/<slug:action>/", views.ticket_act, name="ticket_act"),
    path("setup/", views.setup, name="setup"),
    path("figures/", views.figures, name="figures"),
]
