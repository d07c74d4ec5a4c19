from django.urls import path

from . import views

app_name = "meetings"

urlpatterns = [
    path("meetings/", views.meeting_list, name="list"),
    path("meetings/<slug:slug>/", views.meeting_detail, name="detail"),
    path("meetings/<slug:slug>/documents/<int:pk>/", views.document, name="document"),
    path("meetings/<slug:slug>/report.pdf", views.meeting_report, name="report"),
]
