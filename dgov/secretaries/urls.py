from django.urls import path

from dgov.secretaries import views

app_name = "secretaries"

urlpatterns = [
    path("", views.projects, name="projects"),
    path("overdue/", views.overdue, name="overdue"),
    path("projects/<int:pk>/", views.project, name="project"),
    path("projects/<int:pk>/<slug:action>/", views.project_act, name="project_act"),
    path("contacts/<int:pk>/evidence/", views.contact_evidence, name="contact_evidence"),
    path("visits/", views.engagements, name="engagements"),
    path("issues/", views.issues, name="issues"),
    path("issues/<int:pk>/", views.issue, name="issue"),
    path("issues/<int:pk>/<slug:action>/", views.issue_act, name="issue_act"),
    path("scorecard/", views.scorecard, name="scorecard"),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    path("rate/<str:token>/", views.rate, name="rate"),
    path("enterprise/", views.enterprise, name="enterprise"),
    path("green/", views.green, name="green"),
    path("green/new/", views.green_new, name="green_new"),
    path("green/report/", views.green_report, name="green_report"),
    path("green/<int:pk>/", views.green_case, name="green_case"),
    path("green/<int:pk>/lead/", views.green_lead, name="green_lead"),
]
