from django.urls import path

from dgov.certificates import views

app_name = "certificates"
urlpatterns = [
    path("verify/", views.verify, name="verify"),
    path("verify/copy/<str:code>/", views.verify_copy, name="verify_copy"),
    path("verify/<str:identifier>/", views.verify_identifier, name="verify_identifier"),
    path("mine/", views.mine, name="mine"),
    path("issue/", views.issue_queue, name="issue_queue"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/download/", views.download, name="download"),
    path("<int:pk>/copy/", views.annotated_copy, name="annotated_copy"),
]
