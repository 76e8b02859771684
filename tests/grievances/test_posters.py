"""QR posters encode PORTAL_PUBLIC_BASE_URL, the address workers' phones reach, whatever host
the office browsed from; production will not start without it; the park page links to them."""

import os
import subprocess
import sys

import pytest
from django.urls import reverse

from parks.structure.choices import Role
from tests.conftest import ROOT
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def setting_under(module, **environment):
    """PORTAL_PUBLIC_BASE_URL as `module` makes it from `environment`, or the last line of the
    error that stops start-up."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PORTAL_", "DJANGO_"))}
    env.update(
        DJANGO_SETTINGS_MODULE=module,
        DJANGO_SECRET_KEY="x" * 40,
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/unused",
        REDIS_URL="redis://127.0.0.1:6379/0",
        **environment,
    )
    code = "from django.conf import settings; print(settings.PORTAL_PUBLIC_BASE_URL)"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    return result.stdout.strip() or result.stderr.strip().splitlines()[-1]


def test_production_refuses_to_start_without_the_public_address():
    said = setting_under("config.settings.production")
    assert said.startswith("django.core.exceptions.ImproperlyConfigured: PORTAL_PUBLIC_BASE_URL")
    assert "must be set in production" in said


@pytest.mark.parametrize(
    "value", ["portal.example.cn", "ftp://portal.example.cn", "https://", "https://x.cn/g/?a=1"]
)
def test_production_refuses_an_address_that_is_not_a_bare_http_host(value):
    said = setting_under("config.settings.production", PORTAL_PUBLIC_BASE_URL=value)
    assert "PORTAL_PUBLIC_BASE_URL must be http:// or https:// and a host" in said


def test_production_takes_the_address_without_a_trailing_slash():
    said = setting_under("config.settings.production", PORTAL_PUBLIC_BASE_URL="https://gk.cn/")
    assert said == "https://gk.cn"


def test_the_demo_serves_its_own_address_with_nothing_set():
    assert setting_under("config.settings.local") == "http://127.0.0.1:8000"


def test_posters_encode_the_public_address_not_the_host_browsed_from(
    client, settings, office_user, park, grid_zone
):
    settings.PORTAL_PUBLIC_BASE_URL = "https://portal.example.cn"
    client.force_login(office_user)

    html = client.get(reverse("grievances:qr_poster", args=[park.pk])).content.decode()
    svg = client.get(reverse("grievances:public_qr_zone", args=[park.pk, grid_zone.pk])).content

    zone_form = reverse("grievances:public_form_zone", args=[park.pk, grid_zone.pk])
    assert f"https://portal.example.cn{zone_form}" in html
    assert f"https://portal.example.cn{zone_form}".encode() in svg
    assert "testserver" not in html


def test_the_park_page_links_to_its_posters_for_who_may_print_them(client, office_user, park):
    poster = f'id="park-qr-posters" href="{reverse("grievances:qr_poster", args=[park.pk])}"'
    client.force_login(office_user)
    assert poster in client.get(park.get_absolute_url()).content.decode()
    client.force_login(UserFactory(role=Role.PARK_MANAGER, park=park))
    assert poster in client.get(park.get_absolute_url()).content.decode()
    client.force_login(UserFactory(role=Role.OBSERVER))
    assert poster not in client.get(park.get_absolute_url()).content.decode()
