"""Whose address a request comes from: the sign-in lockout, the API throttles and the public
QR form all count per client, and a client cannot pick the address it is counted under."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import TEST_PASSWORD
from tests.grievances.test_public import form_data, form_url

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
PROXY = "10.0.0.1"  # the reverse proxy every request arrives from in production


def sign_in(password, remote_addr=PROXY, forwarded_for=None, username="office"):
    headers = {"REMOTE_ADDR": remote_addr}
    if forwarded_for is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return Client().post(reverse("login"), {"username": username, "password": password}, **headers)


def lock_out(**where):
    for _ in range(5):
        sign_in("wrong", **where)


def test_without_the_header_each_client_is_known_by_its_own_address(settings, office_user):
    settings.PORTAL_TRUSTED_PROXY_COUNT = 1
    lock_out(remote_addr="192.0.2.10")
    assert sign_in(TEST_PASSWORD, remote_addr="192.0.2.10").status_code == 429
    # Five wrong passwords from one machine do not lock the account for everyone.
    assert sign_in(TEST_PASSWORD, remote_addr="192.0.2.20").status_code == 302


def test_spoofed_leftmost_entries_do_not_escape_the_lockout(settings, office_user):
    settings.PORTAL_TRUSTED_PROXY_COUNT = 1
    for n in range(1, 6):
        # The proxy appends what it saw; the client wrote everything to the left of it.
        response = sign_in("wrong", forwarded_for=f"198.51.100.{n}, 203.0.113.9")
        assert response.status_code == (429 if n == 5 else 200)
    assert sign_in(TEST_PASSWORD, forwarded_for="198.51.100.77, 203.0.113.9").status_code == 429


def test_two_clients_behind_the_proxy_are_locked_out_separately(settings, office_user):
    settings.PORTAL_TRUSTED_PROXY_COUNT = 1
    lock_out(forwarded_for="203.0.113.9")
    assert sign_in(TEST_PASSWORD, forwarded_for="203.0.113.9").status_code == 429
    assert sign_in(TEST_PASSWORD, forwarded_for="203.0.113.50").status_code == 302


def test_with_two_proxies_the_address_the_outer_proxy_saw_counts(settings, office_user):
    settings.PORTAL_TRUSTED_PROXY_COUNT = 2
    for n in range(1, 6):
        sign_in("wrong", forwarded_for=f"198.51.100.{n}, 203.0.113.9, 172.16.0.5")
    assert sign_in(TEST_PASSWORD, forwarded_for="203.0.113.9, 172.16.0.6").status_code == 429
    assert sign_in(TEST_PASSWORD, forwarded_for="203.0.113.50, 172.16.0.5").status_code == 302


@pytest.mark.parametrize(
    "garbage",
    ["not-an-address", "999.1.1.1", "<script>", "", " , ", "203.0.113.9, unknown", "203.0.113.9:x"],
)
def test_a_malformed_entry_is_not_trusted_and_does_not_break_sign_in(
    settings, office_user, garbage
):
    settings.PORTAL_TRUSTED_PROXY_COUNT = 1
    lock_out(remote_addr="192.0.2.10", forwarded_for=garbage)
    # Counted under the address the connection came from, which the client cannot choose.
    assert sign_in(TEST_PASSWORD, remote_addr="192.0.2.10").status_code == 429
    assert (
        sign_in(TEST_PASSWORD, remote_addr="192.0.2.20", forwarded_for=garbage).status_code == 302
    )


def test_a_port_after_the_address_is_ignored(settings, office_user):
    settings.PORTAL_TRUSTED_PROXY_COUNT = 1
    for port in range(40001, 40006):
        sign_in("wrong", forwarded_for=f"203.0.113.9:{port}")
    assert sign_in(TEST_PASSWORD, forwarded_for="203.0.113.9").status_code == 429


def test_one_address_written_five_ways_is_one_client(settings, office_user):
    settings.PORTAL_TRUSTED_PROXY_COUNT = 1
    written = [
        "2001:db8::1",
        "2001:0DB8:0:0::1",
        "[2001:db8::1]:443",
        "2001:db8:0::0:1",
        "[2001:db8::1]",
    ]
    for address in written:
        sign_in("wrong", forwarded_for=address)
    assert sign_in(TEST_PASSWORD, forwarded_for="2001:db8::0001").status_code == 429


def test_an_ipv4_client_seen_over_ipv6_is_the_same_client(settings, office_user):
    settings.PORTAL_TRUSTED_PROXY_COUNT = 1
    lock_out(forwarded_for="::ffff:203.0.113.9")
    assert sign_in(TEST_PASSWORD, forwarded_for="203.0.113.9").status_code == 429


def test_without_a_trusted_proxy_the_header_is_ignored(settings, office_user):
    settings.PORTAL_TRUSTED_PROXY_COUNT = 0
    for n in range(1, 6):
        sign_in("wrong", remote_addr="192.0.2.10", forwarded_for=f"198.51.100.{n}")
    assert (
        sign_in(TEST_PASSWORD, remote_addr="192.0.2.10", forwarded_for="1.2.3.4").status_code == 429
    )


# --- The public QR form --------------------------------------------------------------------


def submit_grievance(park, **headers):
    return Client().post(form_url(park), form_data(), **headers)


def test_public_intake_counts_each_client_without_the_header_on_its_own(settings, park):
    settings.PORTAL_TRUSTED_PROXY_COUNT = 1
    settings.GRIEVANCE_PUBLIC_SUBMITS_PER_IP = 2
    for _ in range(2):
        assert submit_grievance(park, REMOTE_ADDR="192.0.2.10").status_code == 302
    assert submit_grievance(park, REMOTE_ADDR="192.0.2.10").status_code == 429
    assert submit_grievance(park, REMOTE_ADDR="192.0.2.20").status_code == 302


def test_public_intake_counts_clients_behind_the_proxy_separately(settings, park):
    settings.PORTAL_TRUSTED_PROXY_COUNT = 1
    settings.GRIEVANCE_PUBLIC_SUBMITS_PER_IP = 2
    for n in range(1, 3):
        forwarded = f"198.51.100.{n}, 203.0.113.9"
        assert (
            submit_grievance(park, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded).status_code
            == 302
        )
    spoofed = "198.51.100.3, 203.0.113.9"
    assert (
        submit_grievance(park, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=spoofed).status_code == 429
    )
    other = "203.0.113.50"
    assert submit_grievance(park, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=other).status_code == 302


# --- The API -------------------------------------------------------------------------------


def api_docs(forwarded_for):
    # The API documentation is open to anonymous visitors, so the anonymous rate applies.
    return Client().get(reverse("api-docs"), REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded_for)


def test_the_anonymous_api_rate_is_counted_per_client(settings, api_throttles):
    settings.PORTAL_TRUSTED_PROXY_COUNT = 1
    api_throttles["anon"] = "2/minute"
    assert api_docs("198.51.100.1, 203.0.113.9").status_code == 200
    assert api_docs("198.51.100.2, 203.0.113.9").status_code == 200
    assert api_docs("198.51.100.3, 203.0.113.9").status_code == 429
    assert api_docs("203.0.113.50").status_code == 200


# --- Settings ------------------------------------------------------------------------------


def production_setting(name, **environment):
    """A setting as config/settings/production.py makes it from `environment` (or the last
    line of the error that stops it)."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("PORTAL_TRUSTED_PROXY_COUNT", "AXES_PROXY_COUNT")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DJANGO_SECRET_KEY="x" * 40,
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/unused",
        REDIS_URL="redis://127.0.0.1:6379/0",
        PORTAL_PUBLIC_BASE_URL="https://portal.example.cn",
        **environment,
    )
    code = f"from django.conf import settings; print(settings.{name})"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    return result.stdout.strip() or result.stderr.strip().splitlines()[-1]


def test_production_trusts_one_proxy_unless_told_otherwise():
    count = "PORTAL_TRUSTED_PROXY_COUNT"
    assert production_setting(count) == "1"
    assert production_setting(count, PORTAL_TRUSTED_PROXY_COUNT="2") == "2"
    assert production_setting(count, AXES_PROXY_COUNT="0") == "0"  # the older name still works
    assert count in production_setting(count, PORTAL_TRUSTED_PROXY_COUNT="-1")
