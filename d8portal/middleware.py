"""Middleware of the portal's own wiring."""

from . import views


class HealthCheckMiddleware:
    """Answers `/healthz` before the HTTPS redirect and the host check.

    The container's health check (docker-compose.yml) and a load balancer ask over plain HTTP
    on an internal address, without the public host name. The answer is the status alone, so
    it is safe to give on any host.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info == "/healthz" and request.method in ("GET", "HEAD"):
            return views.healthz(request)
        return self.get_response(request)
