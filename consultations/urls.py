from django.urls import path

from . import views

app_name = "consultations"

urlpatterns = [
    path("consultations/", views.consultation_list, name="consultation-list"),
    path("consultations/mine/", views.my_consultations, name="my-consultations"),
    path("consultations/<int:pk>/", views.consultation_detail, name="consultation-detail"),
    path(
        "consultations/<int:pk>/answer/<slug:state>/",
        views.consultation_answer_page,
        name="consultation-answer",
    ),
    path(
        "consultations/<int:pk>/compilation.pdf",
        views.consultation_compilation_pdf,
        name="consultation-compilation-pdf",
    ),
    path(
        "consultations/<int:pk>/compilation.xlsx",
        views.consultation_compilation_xlsx,
        name="consultation-compilation-xlsx",
    ),
]
