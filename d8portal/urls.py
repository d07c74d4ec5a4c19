from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon),
    path("accounts/after-login/", views.after_login, name="after-login"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("accounts/tokens/", views.api_tokens, name="api-tokens"),
    path("accounts/tokens/<int:pk>/revoke/", views.api_token_revoke, name="api-token-revoke"),
    path("admin/", admin.site.urls),
    path("api/v1/", include(("d8portal.api", "api"))),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("", include("memberstates.urls")),
    path("", include("taskforces.urls")),
    path("", include("meetings.urls")),
    path("", include("actionplans.urls")),
    path("", include("knowledge.urls")),
]
