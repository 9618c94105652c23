from django.urls import path

from dgov.financing import views

app_name = "financing"

urlpatterns = [
    path("mine/", views.mine, name="mine"),
    path("mine/<int:pk>/new/", views.need_new, name="need_new"),
    path("mine/needs/<int:pk>/withdraw/", views.need_withdraw, name="need_withdraw"),
    path("bank/", views.desk, name="desk"),
    path("bank/offers/<int:pk>/", views.offer_page, name="offer"),
    path("banks/<int:pk>/products/new/", views.product_new, name="product_new"),
    path("needs/", views.needs, name="needs"),
    path("needs/<int:pk>/", views.need_page, name="need"),
    path("offers/<int:pk>/follow-up/", views.follow_up, name="follow_up"),
    path("banks/", views.banks, name="banks"),
    path("report/", views.report, name="report"),
]
