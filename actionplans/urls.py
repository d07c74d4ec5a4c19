from django.urls import path

from . import views

app_name = "actionplans"

urlpatterns = [
    path("action-plans/", views.plan_list, name="plan-list"),
    path("action-plans/<slug:slug>/", views.plan_detail, name="plan-detail"),
    path("action-plans/<slug:slug>/report.pdf", views.plan_report, name="plan-report"),
    path("action-items/", views.my_items, name="my-items"),
    path("action-items/<int:pk>/", views.item_detail, name="item-detail"),
    path("action-items/<int:pk>/evidence/<int:update_pk>/", views.evidence, name="evidence"),
]
