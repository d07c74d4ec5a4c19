from django.urls import include, path

from . import views

urlpatterns = [
    path("after-login/", views.after_login, name="after-login"),
    path("tokens/", views.api_tokens, name="api-tokens"),
    path("tokens/<int:pk>/revoke/", views.api_token_revoke, name="api-token-revoke"),
    path("calendar-feeds/", views.feed_tokens, name="feed-tokens"),
    path("calendar-feeds/<int:pk>/revoke/", views.feed_token_revoke, name="feed-token-revoke"),
    path("password_reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("", include("django.contrib.auth.urls")),
]
