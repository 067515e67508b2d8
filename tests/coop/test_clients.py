"""The client address every limit counts by (coop/clients.py): REMOTE_ADDR unless proxies are
trusted, then the N-th X-Forwarded-For entry from the right, never a client-written one."""

import os
import subprocess
import sys

import pytest
from axes.models import AccessAttempt
from django.conf import settings as django_settings
from django.core.cache import cache
from django.test import RequestFactory
from rest_framework.throttling import BaseThrottle

from coop import throttle
from coop.clients import client_address


def request(remote="192.0.2.10", forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


@pytest.fixture
def proxies(settings):
    """Trust ``n`` proxies, for coop and for DRF alike."""

    def trust(n):
        settings.TRUSTED_PROXY_COUNT = n
        settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": n}

    return trust


def test_drf_reads_the_same_setting():
    assert django_settings.REST_FRAMEWORK["NUM_PROXIES"] == django_settings.TRUSTED_PROXY_COUNT


def test_by_default_no_forwarded_address_is_believed():
    assert django_settings.TRUSTED_PROXY_COUNT == 0
    assert client_address(request(forwarded="10.9.9.9")) == "192.0.2.10"
    assert client_address(request(forwarded="10.9.9.9, 10.8.8.8")) == "192.0.2.10"


def test_with_one_proxy_its_entry_is_used_and_the_clients_own_ignored(proxies):
    proxies(1)
    assert client_address(request(forwarded="203.0.113.7")) == "203.0.113.7"
    assert client_address(request(forwarded="6.6.6.6, 203.0.113.7")) == "203.0.113.7"
    assert client_address(request(forwarded="1.1.1.1,2.2.2.2 , 203.0.113.7")) == "203.0.113.7"


def test_with_two_proxies_the_outer_ones_entry_is_used(proxies):
    proxies(2)
    assert client_address(request(forwarded="6.6.6.6, 203.0.113.7, 10.0.0.2")) == "203.0.113.7"
    assert client_address(request(forwarded="203.0.113.7")) == "203.0.113.7"


def test_without_the_header_or_with_a_non_address_the_peer_is_used(proxies):
    proxies(1)
    assert client_address(request()) == "192.0.2.10"
    assert client_address(request(forwarded="")) == "192.0.2.10"
    assert client_address(request(forwarded="1.1.1.1, unknown")) == "192.0.2.10"
    assert client_address(request(forwarded="1.1.1.1, 2001:db8::1")) == "2001:db8::1"


@pytest.mark.parametrize("count", [0, 1, 2])
@pytest.mark.parametrize(
    "forwarded", [None, "203.0.113.7", "6.6.6.6, 203.0.113.7", "6.6.6.6, 203.0.113.7, 10.0.0.2"]
)
def test_drf_throttles_pick_the_same_address(proxies, count, forwarded):
    proxies(count)
    asked = request(forwarded=forwarded)
    assert BaseThrottle().get_ident(asked) == client_address(asked)


def fill_window(action, make_request, limit=3):
    return [throttle.allow(make_request(n), action, limit, 60) for n in range(limit + 1)]


def test_a_forged_header_does_not_escape_the_public_forms_limit(db):
    action = "test-forged"
    try:
        answers = fill_window(action, lambda n: request(forwarded=f"10.0.0.{n}"))
        assert answers == [True, True, True, False]
    finally:
        cache.delete(f"throttle:{action}:192.0.2.10")


def test_behind_a_proxy_the_limit_counts_the_address_it_saw(db, proxies):
    proxies(1)
    action = "test-proxied"
    try:
        # The client changes what it writes first; the proxy's entry stays the same.
        answers = fill_window(action, lambda n: request(forwarded=f"10.0.0.{n}, 203.0.113.7"))
        assert answers == [True, True, True, False]
        # Another client behind the same proxy has its own count.
        assert throttle.allow(request(forwarded="203.0.113.8"), action, 3, 60)
    finally:
        cache.delete_many([f"throttle:{action}:203.0.113.7", f"throttle:{action}:203.0.113.8"])


def test_the_complaint_api_counts_the_proxys_entry(coop_a, api, proxies):
    from tests.credit.test_complaints import complain

    proxies(1)
    client = api()
    try:
        answers = []
        for n in range(6):
            client.credentials(HTTP_X_FORWARDED_FOR=f"10.0.0.{n}, 203.0.113.7")
            answers.append(complain(lambda: client, coop_a).status_code)
        assert answers == [201] * 5 + [429]
    finally:
        cache.delete("throttle:complaint:203.0.113.7")


def test_failed_logins_are_counted_by_the_client_address(coop_a, client, proxies):
    client.post(
        "/accounts/login/",
        {"username": coop_a.admin.username, "password": "wrong"},
        HTTP_X_FORWARDED_FOR="10.9.9.9",
    )
    assert AccessAttempt.objects.get().ip_address == "127.0.0.1"
    proxies(1)
    client.post(
        "/accounts/login/",
        {"username": coop_a.admin.username, "password": "wrong"},
        HTTP_X_FORWARDED_FOR="10.9.9.9, 203.0.113.7",
    )
    assert AccessAttempt.objects.filter(ip_address="203.0.113.7").exists()


@pytest.mark.parametrize(
    "environment, complaint",
    [
        ({"TRUSTED_PROXY_COUNT": "-1"}, "TRUSTED_PROXY_COUNT must be a whole number"),
        ({"TRUSTED_PROXY_COUNT": "one"}, "TRUSTED_PROXY_COUNT must be a whole number"),
        ({"USE_X_FORWARDED_FOR": "1"}, "USE_X_FORWARDED_FOR is gone"),
    ],
)
def test_a_wrong_proxy_setting_stops_the_start(environment, complaint):
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "coop.settings", **environment}
    started = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=environment,
        capture_output=True,
        text=True,
        cwd=django_settings.BASE_DIR,
    )
    assert started.returncode != 0 and complaint in started.stderr
