from django.contrib.auth import views as auth_views
from django.urls import path

from dgov.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("signup/", views.signup, name="signup"),
    path("unlock/", views.unlock, name="unlock"),
    path("staff/applicants/", views.applicant_list, name="applicants"),
    path("staff/applicants/new/", views.applicant_create, name="applicant_create"),
    path("staff/applicants/<int:pk>/reveal/", views.reveal, name="reveal"),
    path("staff/people/", views.staff_list, name="staff"),
    path("staff/people/new/", views.staff_create, name="staff_create"),
]
