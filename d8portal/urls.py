from django.contrib import admin
from django.urls import path

from . import views

admin.site.site_header = "D-8 SME Cooperation Portal"
admin.site.site_title = "D-8 SME Portal"
admin.site.index_title = "Secretariat"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
]
