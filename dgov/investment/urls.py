from django.urls import path

from dgov.investment import views

app_name = "investment"

urlpatterns = [
    path("", views.pipeline, name="pipeline"),
    path("charts/", views.charts, name="charts"),
    path("projects/new/", views.project_new, name="project_new"),
    path("projects/import/", views.import_projects, name="import"),
    path("projects/<int:pk>/", views.project, name="project"),
    path("projects/<int:pk>/edit/", views.project_edit, name="project_edit"),
    path("projects/<int:pk>/<slug:action>/", views.act, name="act"),
    path("offices/", views.offices, name="offices"),
    path("offices/<int:pk>/", views.office, name="office"),
    path("agents/", views.agents, name="agents"),
    path("my-leads/", views.my_leads, name="my_leads"),
    path("parks/", views.parks, name="parks"),
    path("parks/<int:pk>/", views.park, name="park"),
    path("settings/", views.policy, name="policy"),
    path("settings/incentive-rule/", views.incentive_rule, name="incentive_rule"),
]
