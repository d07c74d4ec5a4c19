from django.urls import path

from . import views

app_name = "memberstates"

urlpatterns = [
    path("member-states/", views.state_list, name="list"),
    path("member-states/<slug:slug>/", views.state_detail, name="detail"),
    path("my-state/", views.my_state, name="my-state"),
]
