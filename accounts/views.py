from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from .forms import ApiTokenForm
from .models import ApiToken
from .roles import is_secretariat


@login_required
def after_login(request):
    """The Secretariat lands on its admin, focal points on their items, delegates on meetings."""
    # The focal-point record is reached by its reverse relation: accounts sits below
    # memberstates and does not import it.
    focal_point = getattr(request.user, "focal_point", None)
    if is_secretariat(request.user):
        return redirect("admin:index")
    if focal_point is not None and focal_point.is_active:
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
