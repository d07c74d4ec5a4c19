import hashlib

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from core.clientip import client_ip
from core.ratelimit import allowance_take

from .forms import ApiTokenForm, FeedTokenForm
from .models import ApiToken, FeedToken
from .roles import is_secretariat


@login_required
def after_login(request):
    """Focal points and the Secretariat land on their action items; delegates on meetings."""
    # The focal-point record is reached by its reverse relation: accounts sits below
    # memberstates and does not import it.
    focal_point = getattr(request.user, "focal_point", None)
    if is_secretariat(request.user) or (focal_point is not None and focal_point.is_active):
        return redirect("actionplans:my-items")
    return redirect("meetings:list")


@never_cache
@login_required
def api_tokens(request):
    """The user's personal API tokens: create one (its secret shown this once), list, revoke."""
    form = ApiTokenForm(request.POST or None, user=request.user)
    created = secret = None
    if request.method == "POST" and form.is_valid():
        created, secret = form.issue()
        form = ApiTokenForm(user=request.user)
    return render(
        request,
        "accounts/api_tokens.html",
        {
            "form": form,
            "tokens": request.user.api_tokens.all(),
            "created": created,
            "secret": secret,
        },
    )


@require_POST
@login_required
def api_token_revoke(request, pk):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    token.delete()
    messages.success(request, f"The token “{token.name}” was revoked; it no longer works.")
    return redirect("api-tokens")


@never_cache
@login_required
def feed_tokens(request):
    """The user's personal calendar feeds: create one (its address shown this once), revoke."""
    form = FeedTokenForm(request.POST or None, user=request.user)
    created = secret = None
    if request.method == "POST" and form.is_valid():
        created, secret = form.issue()
        form = FeedTokenForm(user=request.user)
    return render(
        request,
        "accounts/feed_tokens.html",
        {
            "form": form,
            "tokens": request.user.feed_tokens.all(),
            "created": created,
            "secret": secret,
        },
    )


@require_POST
@login_required
def feed_token_revoke(request, pk):
    token = get_object_or_404(FeedToken, pk=pk, user=request.user)
    token.delete()
    messages.success(request, f"The calendar feed “{token.name}” was revoked; it no longer works.")
    return redirect("feed-tokens")


class PasswordResetView(auth_views.PasswordResetView):
    """Django's password reset, limited per client address and per e-mail address.

    A client over its allowance is answered 429. An address over its allowance gets no more
    links, but the answer is the usual one: the page never tells whether an address belongs to
    an account or has asked before.
    """

    def form_valid(self, form):
        window = settings.PASSWORD_RESET_WINDOW_SECONDS
        client = f"password-reset-client:{client_ip(self.request)}"
        if not allowance_take(client, limit=settings.PASSWORD_RESET_PER_CLIENT, seconds=window):
            return render(self.request, "registration/password_reset_limited.html", status=429)
        email = form.cleaned_data["email"].strip().lower()
        address = "password-reset-address:" + hashlib.sha256(email.encode()).hexdigest()
        if not allowance_take(address, limit=settings.PASSWORD_RESET_PER_ADDRESS, seconds=window):
            return HttpResponseRedirect(self.get_success_url())
        return super().form_valid(form)
