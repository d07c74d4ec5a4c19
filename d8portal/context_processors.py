from memberstates.models import MemberState


def portal(request):
    """The signed-in focal point's member state, for the navigation."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"my_state": None}
    return {"my_state": MemberState.objects.of_focal_point(user).first()}
