from django.contrib.auth import views as auth_views
from django.urls import path

from dgov.accounts import public_views, views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("login/code/", public_views.login_code, name="login_code"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("signup/", public_views.signup, name="signup"),
    path("signup/enterprise/", public_views.signup_enterprise, name="signup_enterprise"),
    path("password/forgot/", public_views.password_forgot, name="password_forgot"),
    path("password/reset/<str:token>/", public_views.password_reset, name="password_reset"),
    path("password/change/", public_views.password_change, name="password_change"),
    path("enterprise/", public_views.enterprise, name="enterprise"),
    path("enterprise/<int:pk>/agents/add/", public_views.agent_add, name="agent_add"),
    path("enterprise/agents/<int:pk>/change/", public_views.agent_change, name="agent_change"),
    path("enterprise/agents/<int:pk>/remove/", public_views.agent_remove, name="agent_remove"),
    path("unlock/", views.unlock, name="unlock"),
    path("staff/applicants/", views.applicant_list, name="applicants"),
    path("staff/applicants/new/", views.applicant_create, name="applicant_create"),
    path("staff/applicants/<int:pk>/reveal/", views.reveal, name="reveal"),
    path("staff/people/", views.staff_list, name="staff"),
    path("staff/people/new/", views.staff_create, name="staff_create"),
]
