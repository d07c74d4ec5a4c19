from django.urls import path

from . import views

app_name = "knowledge"

urlpatterns = [
    path("best-practices/", views.catalogue, name="catalogue"),
    path("best-practices/compendium.pdf", views.compendium, name="compendium"),
    path("best-practices/ours/", views.our_practices, name="ours"),
    path("best-practices/new/", views.practice_create, name="create"),
    path("best-practices/<int:pk>/", views.practice_detail, name="detail"),
    path("best-practices/<int:pk>/edit/", views.practice_edit, name="edit"),
    path("best-practices/<int:pk>/submit/", views.practice_submit, name="submit"),
    path("best-practices/<int:pk>/exchange/", views.exchange_create, name="exchange-create"),
    path(
        "best-practices/<int:pk>/attachments/<int:attachment_pk>/",
        views.attachment,
        name="attachment",
    ),
    path(
        "best-practices/<int:pk>/attachments/<int:attachment_pk>/remove/",
        views.attachment_delete,
        name="attachment-remove",
    ),
    path("exchanges/", views.exchange_list, name="exchanges"),
    path("exchanges/<int:pk>/", views.exchange_detail, name="exchange-detail"),
]
