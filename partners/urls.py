from django.urls import path

from . import views

app_name = "partners"

urlpatterns = [
    path("partners/", views.partner_list, name="list"),
    path("partners/<slug:slug>/", views.partner_detail, name="detail"),
    path("agreements/new/", views.agreement_edit, name="agreement-create"),
    path("agreements/<int:pk>/", views.agreement_detail, name="agreement"),
    path("agreements/<int:pk>/edit/", views.agreement_edit, name="agreement-edit"),
    path("agreements/<int:pk>/text/", views.agreement_text, name="agreement-text"),
    path("agreements/<int:pk>/activities/new/", views.activity_edit, name="activity-create"),
    path(
        "agreements/<int:pk>/activities/<int:activity_pk>/",
        views.activity_edit,
        name="activity-edit",
    ),
]
