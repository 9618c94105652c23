from django.urls import path

from dgov.policies import views

app_name = "policies"

urlpatterns = [
    path("", views.public, name="public"),
    path("<int:pk>/", views.public_policy, name="public_policy"),
    path("grants/", views.published_grants, name="published_grants"),
    path("mine/", views.mine, name="mine"),
    path("mine/<int:pk>/facts/", views.facts, name="facts"),
    path("mine/<int:pk>/receive/<int:policy_pk>/", views.receive, name="receive"),
    path("library/", views.library, name="library"),
    path("library/new/", views.policy_new, name="new"),
    path("library/import/", views.policy_import, name="import"),
    path("library/grants/", views.grants, name="grants"),
    path("library/<int:pk>/", views.policy_page, name="policy"),
    path("library/<int:pk>/edit/", views.policy_edit, name="edit"),
    path("library/<int:pk>/<slug:action>/", views.policy_act, name="act"),
]
