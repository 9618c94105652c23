from django.urls import path

from dgov.evaluation import views

app_name = "evaluation"
urlpatterns = [
    # Public (phone-friendly)
    path("", views.public_index, name="public_index"),
    path("c/<int:campaign_pk>/unit/<int:unit_pk>/", views.public_unit, name="public_unit"),
    path("served/", views.served_start, name="served_start"),
    path("served/<str:code>/", views.served, name="served"),
    path("survey/<int:pk>/", views.survey, name="survey"),
    path("column/", views.column, name="column"),
    path("column/<int:pk>/", views.column_article, name="column_article"),
    path("talk-counts/", views.public_talks, name="public_talks"),
    # Staff
    path("results/", views.results_page, name="results"),
    path("results/export/", views.results_export, name="results_export"),
    path("moderation/", views.moderation, name="moderation"),
    path("moderation/<int:pk>/", views.moderate, name="moderate"),
    path("invite/", views.invite, name="invite"),
    path("surveys/", views.surveys, name="surveys"),
    path("talks/", views.talks, name="talks"),
    path("talks/new/", views.talk_new, name="talk_new"),
    path("talks/<int:pk>/", views.talk, name="talk"),
    path("columns/", views.columns, name="columns"),
    path("columns/new/", views.article_edit, name="article_new"),
    path("columns/<int:pk>/", views.article, name="article"),
    path("columns/<int:pk>/edit/", views.article_edit, name="article_edit"),
    path("reports/", views.reports, name="reports"),
    path("reports/new/", views.report_new, name="report_new"),
    path("reports/<int:pk>/", views.report, name="report"),
]
