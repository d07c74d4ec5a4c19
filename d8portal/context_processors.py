from accounts.roles import is_secretariat
from memberstates.models import MemberState


def portal(request):
    """Who the signed-in person is to the portal, for the navigation and the pages: the member
    state they speak for (a user is the focal point of one body at most), and whether they
    are the Secretariat (asked in accounts.roles)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"my_state": None, "is_secretariat": False}
    return {
        "my_state": MemberState.objects.of_focal_point(user).first(),
        "is_secretariat": is_secretariat(user),
    }
