from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon),
    path("accounts/", include("accounts.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include(("d8portal.api", "api"))),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("", include("memberstates.urls")),
    path("", include("taskforces.urls")),
    path("", include("meetings.urls")),
    path("", include("actionplans.urls")),
    path("", include("consultations.urls")),
    path("", include("knowledge.urls")),
    path("", include("linkages.urls")),
    path("", include("partners.urls")),
]
