from django.urls import path

from . import views

app_name = "taskforces"

urlpatterns = [
    path("task-forces/", views.task_force_list, name="list"),
    path("task-forces/<slug:slug>/", views.task_force_detail, name="detail"),
]
