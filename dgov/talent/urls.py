from django.urls import path

from dgov.talent import views

app_name = "talent"

urlpatterns = [
    path("", views.register, name="register"),
    path("<int:pk>/reveal/", views.reveal, name="reveal"),
    path("programmes/", views.programmes, name="programmes"),
    path("programmes/<int:pk>/", views.programme_page, name="programme"),
    path("programmes/<int:pk>/award/", views.award, name="award"),
    path("figures/", views.figures, name="figures"),
    path("mine/", views.mine, name="mine"),
]
