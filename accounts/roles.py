"""Who a signed-in person is to the portal, asked in one place."""


def is_secretariat(user):
    """Whether the user works for the D-8 Secretariat: staff of the portal, who see every state's
    records. What they may change is still decided by their model permissions."""
    return bool(user and user.is_authenticated and user.is_active and user.is_staff)
