from django.urls import path

from dgov.ratings import views

app_name = "ratings"

urlpatterns = [
    path("mine/", views.mine, name="mine"),
    path("case/<int:pk>/", views.rate_case, name="rate_case"),
    path("visit/<int:pk>/", views.rate_visit, name="rate_visit"),
    path("r/<str:token>/", views.rate_link, name="link"),
    path("window/", views.window, name="window"),
    path("handover/case/<int:pk>/", views.handover_case, name="handover_case"),
    path("handover/visit/<int:pk>/", views.handover_visit, name="handover_visit"),
    path("rectifications/", views.rectifications, name="rectifications"),
    path("rectifications/<int:pk>/", views.rectification, name="rectification"),
    path("rectifications/<int:pk>/<slug:step>/", views.rectification_act, name="rectification_act"),
    path("policy/", views.policy, name="policy"),
    path("public/", views.public, name="public"),
    path("competition/", views.competition_page, name="competition"),
    path("competition/export.xlsx", views.competition_export, name="competition_export"),
]
