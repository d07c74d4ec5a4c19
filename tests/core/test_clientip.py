"""One rule for the client's address: the connection's, or the one the trusted proxies saw."""

import logging

import pytest
from django.test import RequestFactory

from core.clientip import ClientIpLogFilter, client_ip


def request_from(remote_addr, forwarded=None):
    headers = {"REMOTE_ADDR": remote_addr}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **headers)


def test_without_trusted_proxies_the_forwarded_header_is_ignored(settings):
    settings.TRUSTED_PROXIES = 0
    assert client_ip(request_from("198.51.100.7", "203.0.113.1")) == "198.51.100.7"


@pytest.mark.parametrize(
    "proxies, forwarded, expected",
    [
        (1, "203.0.113.1", "203.0.113.1"),
        # A client's own X-Forwarded-For entries are left of the proxy's and not believed.
        (1, "10.9.9.9, 203.0.113.1", "203.0.113.1"),
        (2, "10.9.9.9, 203.0.113.1, 172.16.0.2", "203.0.113.1"),
        (2, "203.0.113.1", "203.0.113.1"),
    ],
)
def test_behind_trusted_proxies_the_client_is_that_many_entries_from_the_right(
    settings, proxies, forwarded, expected
):
    settings.TRUSTED_PROXIES = proxies
    assert client_ip(request_from("172.16.0.3", forwarded)) == expected


def test_behind_a_proxy_a_request_without_the_header_is_the_connections(settings):
    settings.TRUSTED_PROXIES = 1
    assert client_ip(request_from("172.16.0.3")) == "172.16.0.3"


def test_log_records_about_a_request_carry_the_client_address(settings):
    settings.TRUSTED_PROXIES = 1
    record = logging.LogRecord("django.request", logging.WARNING, "", 0, "Not Found", (), None)
    record.request = request_from("172.16.0.3", "203.0.113.1")
    assert ClientIpLogFilter().filter(record)
    assert record.client_ip == "203.0.113.1"
