from django.urls import path

from dgov.campaigns import views

app_name = "campaigns"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.new, name="new"),
    path("mine/", views.mine, name="mine"),
    path("<int:pk>/", views.board, name="board"),
    path("<int:pk>/import/", views.import_tasks, name="import"),
    path("<int:pk>/export/", views.export_tasks, name="export"),
    path("<int:pk>/units/<int:unit_pk>/", views.unit_page, name="unit"),
    path("<int:pk>/units/<int:unit_pk>/problems/", views.add_problem, name="add_problem"),
    path("<int:pk>/units/<int:unit_pk>/publish/", views.publish, name="publish"),
    path("tasks/<int:pk>/", views.task_page, name="task"),
    path("tasks/<int:pk>/<slug:action>/", views.task_act, name="task_act"),
    path("problems/<int:pk>/", views.problem_page, name="problem"),
    path("problems/<int:pk>/<slug:action>/", views.problem_act, name="problem_act"),
    path("files/<int:pk>/", views.document, name="document"),
    path("public/<int:pk>/", views.public_campaign, name="public"),
    path("public/<int:pk>/<str:code>/", views.public_unit, name="public_unit"),
]
