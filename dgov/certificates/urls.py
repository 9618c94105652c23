from django.urls import path

from dgov.certificates import views

app_name = "certificates"
urlpatterns = [
    path("verify/", views.verify, name="verify"),
    path("v/<str:code>/", views.verify_by_code, name="verify_code"),
    path("v/<str:code>/<str:name>", views.sealed_record, name="sealed_record"),
    path("verify/copy/<str:code>/", views.verify_copy, name="verify_copy"),
    path("verify/<str:identifier>/", views.verify_identifier, name="verify_identifier"),
    path("pki/", views.pki, name="pki"),
    path("pki/<str:district>/<str:name>", views.pki_file, name="pki_file"),
    path("pki/seals/<str:key_id>/<str:name>", views.seal_file, name="seal_file"),
    path("mine/", views.mine, name="mine"),
    path("issue/", views.issue_queue, name="issue_queue"),
    path("ledger/", views.ledger, name="ledger"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/download/", views.download, name="download"),
    path("<int:pk>/copy/", views.annotated_copy, name="annotated_copy"),
]
