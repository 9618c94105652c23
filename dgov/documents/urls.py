from django.urls import path

from dgov.documents import views

app_name = "documents"
urlpatterns = [
    path("", views.locker, name="locker"),
    path("upload/", views.upload, name="upload"),
    path("<int:pk>/download/", views.download, name="download"),
]
