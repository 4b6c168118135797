"""core.client_ip: X-Forwarded-For is believed only from WENMING_TRUSTED_PROXIES."""

import pytest
from django.test import RequestFactory

from core.client_ip import client_ip, client_ip_address

rf = RequestFactory()


def _ip(remote, xff=None):
    extra = {"REMOTE_ADDR": remote}
    if xff is not None:
        extra["HTTP_X_FORWARDED_FOR"] = xff
    return client_ip(rf.get("/", **extra))


def test_without_trusted_proxies_the_header_is_ignored(settings):
    settings.WENMING_TRUSTED_PROXIES = []
    assert _ip("203.0.113.9", "1.2.3.4") == "203.0.113.9"
    assert _ip("203.0.113.9", "garbage") == "203.0.113.9"


def test_header_from_an_untrusted_peer_is_ignored(settings):
    settings.WENMING_TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert _ip("203.0.113.9", "1.2.3.4") == "203.0.113.9"


def test_behind_a_trusted_proxy_the_hop_it_saw_is_the_client(settings):
    settings.WENMING_TRUSTED_PROXIES = ["10.0.0.1"]
    assert _ip("10.0.0.1", "198.51.100.7") == "198.51.100.7"


@pytest.mark.parametrize(
    ("xff", "expected"),
    [
        # The client forged the left part; the proxies appended the right part.
        ("6.6.6.6, 198.51.100.7", "198.51.100.7"),
        ("6.6.6.6, 198.51.100.7, 10.0.0.2", "198.51.100.7"),
        ("not-an-ip, 198.51.100.7", "198.51.100.7"),
        # A trusted proxy wrote garbage: stop at the last hop we can vouch for.
        ("198.51.100.7, junk", "10.0.0.1"),
        ("", "10.0.0.1"),
        ("2001:db8::1", "2001:db8::1"),
    ],
)
def test_only_hops_appended_by_trusted_proxies_count(settings, xff, expected):
    settings.WENMING_TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert _ip("10.0.0.1", xff) == expected


def test_no_remote_addr(settings):
    settings.WENMING_TRUSTED_PROXIES = []
    assert client_ip(rf.get("/", REMOTE_ADDR="")) == "unknown"


def test_address_for_axes_is_an_ip_or_none(settings):
    settings.WENMING_TRUSTED_PROXIES = []
    assert client_ip_address(rf.get("/", REMOTE_ADDR="")) is None
    assert client_ip_address(rf.get("/", REMOTE_ADDR="203.0.113.9")) == "203.0.113.9"
