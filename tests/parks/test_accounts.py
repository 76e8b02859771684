"""Signing in and out, lockout, password change, and the language the portal speaks."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def _sign_in(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_sign_in_lands_on_the_workbench(client, office_user):
    response = _sign_in(client, "office", TEST_PASSWORD)
    assert response.status_code == 302
    assert response.url == reverse("workbench:home")
    assert client.get(response.url).status_code == 200


def test_a_liaison_signs_in_to_their_grid_zones(client, liaison):
    response = _sign_in(client, liaison.username, TEST_PASSWORD)
    assert client.get(response.url).url == reverse("parks:my_grid_zones")


def test_pages_ask_anonymous_visitors_to_sign_in(client):
    response = client.get(reverse("parks:park_list"))
    assert response.status_code == 302 and reverse("login") in response.url


def test_five_wrong_passwords_lock_the_account_even_for_the_right_one(client, office_user):
    for _ in range(4):
        assert _sign_in(client, "office", "wrong").status_code == 200
    assert _sign_in(client, "office", "wrong").status_code == 429  # the fifth locks
    locked = _sign_in(client, "office", TEST_PASSWORD)
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session
    call_command("axes_reset")
    assert _sign_in(client, "office", TEST_PASSWORD).status_code == 302


def test_sign_out_needs_a_post_and_ends_the_session(client, office_user):
    client.force_login(office_user)
    assert client.get(reverse("logout")).status_code == 405
    client.post(reverse("logout"))
    assert "_auth_user_id" not in client.session


def test_a_user_changes_their_password(client, office_user):
    client.force_login(office_user)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": TEST_PASSWORD,
            "new_password1": "a-new-secret-2026",
            "new_password2": "a-new-secret-2026",
        },
    )
    assert response.status_code == 302
    office_user.refresh_from_db()
    assert office_user.check_password("a-new-secret-2026")


def test_the_portal_speaks_chinese_even_to_an_english_browser(client, office_user):
    client.force_login(office_user)
    response = client.get(reverse("parks:park_list"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response["Content-Language"] == "zh-hans"
    assert '<html lang="zh-CN">' in response.content.decode()


def test_the_switch_turns_the_portal_english(client, office_user):
    client.force_login(office_user)
    client.post(reverse("set_language"), {"language": "en", "next": "/parks/"})
    response = client.get(reverse("parks:park_list"))
    assert response["Content-Language"] == "en"
    assert ">Parks</a>" in response.content.decode()


def test_session_and_csrf_cookies_are_protected(settings):
    assert settings.SESSION_COOKIE_HTTPONLY
    assert settings.SESSION_COOKIE_SAMESITE == "Lax"
    assert settings.CSRF_COOKIE_SAMESITE == "Lax"
