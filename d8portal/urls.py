from django.contrib import admin
from django.urls import include, path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon),
    path("accounts/after-login/", views.after_login, name="after-login"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("", include("memberstates.urls")),
    path("", include("taskforces.urls")),
    path("", include("meetings.urls")),
    path("", include("actionplans.urls")),
    path("", include("knowledge.urls")),
]
