"""The client's address, by one rule for throttling, login lock-out and logs.

Behind `settings.TRUSTED_PROXIES` proxies (0: the portal faces its clients directly), each proxy
appends the address it received the request from to X-Forwarded-For, so the client's address
is that many entries from the right. Entries further left are whatever the client sent and are
never believed; with no trusted proxy the header is ignored altogether.
"""

from django.conf import settings


def client_ip(request):
    """The address of the client that sent `request`, as the trusted proxies saw it."""
    remote_addr = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXIES
    if proxies <= 0:
        return remote_addr
    forwarded = [
        address.strip()
        for address in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if address.strip()
    ]
    if not forwarded:
        return remote_addr
    # Fewer entries than proxies: the first proxy received it directly from the client.
    return forwarded[-min(proxies, len(forwarded))]


class ClientIpLogFilter:
    """Adds `client_ip` to log records about a request (Django's request and security logs)."""

    def filter(self, record):
        request = getattr(record, "request", None)
        if request is not None and hasattr(request, "META"):
            record.client_ip = client_ip(request)
        return True
