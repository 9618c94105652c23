from django.urls import path

from dgov.funds import views

app_name = "funds"

urlpatterns = [
    path("", views.index, name="index"),
    path("<int:pk>/", views.fund_page, name="fund"),
    path("<int:pk>/propose/", views.propose, name="propose"),
    path("commitments/<int:pk>/", views.commitment_page, name="commitment"),
    path("commitments/<int:pk>/<slug:action>/", views.commitment_act, name="commitment_act"),
    path("tranches/<int:pk>/<slug:action>/", views.tranche_act, name="tranche_act"),
    path("exits/<int:pk>/decide/", views.exit_decide, name="exit_decide"),
]
