"""The menu is grouped so that it keeps to one row at 1280 px (the browser test measures it):
a few top-level entries, each group a dropdown, the rest in the user menu."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _menu(client, user):
    client.force_login(user)
    html = client.get(reverse("parks:park_list")).content.decode()
    return html[html.index('id="main-menu"') : html.index("</nav>")]


def _top_level(menu):
    top = menu[: menu.index('id="nav-search"')]
    return re.findall(r'<li class="nav-item( dropdown)?">\s*<a class="nav-link([^"]*)"', top)


def test_the_office_menu_is_one_link_and_four_groups(client, office_user):
    menu = _menu(client, office_user)
    items = _top_level(menu)
    assert len(items) == 5
    assert items[0] == ("", "")  # the workbench, a plain link
    assert all(dropdown == " dropdown" and "dropdown-toggle" in css for dropdown, css in items[1:])
    assert f'href="{reverse("workbench:home")}" id="nav-workbench"' in menu


def test_people_api_and_administration_moved_into_the_user_menu(client, office_user):
    office_user.is_staff = True
    office_user.save()
    menu = _menu(client, office_user)
    user_menu = menu[menu.index('id="user-menu"') :]
    for name in ("parks:people_list", "parks:api_tokens", "api-docs", "admin:index", "parks:audit"):
        assert f'href="{reverse(name)}"' in user_menu, name


def test_a_liaison_starts_the_menu_with_their_grid_zones(client, liaison):
    items = _top_level(_menu(client, liaison))
    assert len(items) == 5
    menu = _menu(client, liaison)
    first = menu.index(f'href="{reverse("parks:my_grid_zones")}"')
    assert first < menu.index('id="nav-parks"')
    assert 'id="nav-workbench"' not in menu


def test_the_user_menu_shows_the_whole_name_and_role_on_hover(client, park_manager):
    # At 1280 px the button shows the name only, cut short if need be: never the bar's end.
    menu = _menu(client, park_manager)
    button = re.search(r'<button[^>]*id="user-menu"[^>]*>', menu).group(0)
    assert f'title="{park_manager} · {park_manager.get_role_display()}"' in button
