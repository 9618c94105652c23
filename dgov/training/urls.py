from django.urls import path

from dgov.training import views

app_name = "training"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("attendance/<int:pk>/absence/", views.absence, name="absence"),
    path("courses/", views.courses, name="courses"),
    path("courses/<int:pk>/", views.course, name="course"),
    path("courses/<int:pk>/code/", views.course_code, name="course_code"),
    path("sign-in/<str:token>/", views.sign_in, name="sign_in"),
    path("hours/", views.hours, name="hours"),
    path("activities/", views.activities, name="activities"),
]
