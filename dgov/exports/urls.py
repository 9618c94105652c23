from django.urls import path

from dgov.exports import views

app_name = "exports"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("jobs/<int:pk>/", views.job, name="job"),
    path("jobs/<int:pk>/file/", views.job_file, name="job_file"),
    path("<str:name>.<str:fmt>", views.download, name="download"),
]
