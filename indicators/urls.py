from django.urls import path

from . import views

app_name = "indicators"

urlpatterns = [
    path("statistics/", views.statistics_index, name="index"),
    path("statistics/scoreboard.pdf", views.scoreboard_pdf, name="scoreboard-pdf"),
    path("statistics/export.csv", views.export_csv_view, name="export-csv"),
    path("statistics/export.xlsx", views.export_xlsx_view, name="export-xlsx"),
    path("statistics/indicators/<slug:code>/", views.scoreboard, name="scoreboard"),
    path("statistics/targets/<int:pk>/", views.target_detail, name="target"),
    path("statistics/data-calls/<int:pk>/", views.data_call_grid, name="data-call"),
    path("statistics/data-calls/<int:pk>/submit/", views.data_call_submit_view, name="submit"),
    path(
        "statistics/data-calls/<int:pk>/template.xlsx",
        views.data_call_template,
        name="template",
    ),
    path("statistics/data-calls/<int:pk>/upload/", views.data_call_upload, name="upload"),
]
