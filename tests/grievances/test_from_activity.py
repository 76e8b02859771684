"""A request heard on a visit becomes a grievance, pre-filled from the grid-log entry."""

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse

from grievances import intake, services
from grievances.models import Grievance
from parks.structure.choices import Role
from tests.factories import ActivityFactory, GrievanceFactory, UserFactory
from tests.grievances import from_activity_helpers as services_helpers

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def in_english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def visit(grid_zone, liaison):
    return ActivityFactory(
        grid_zone=grid_zone,
        logged_by=liaison,
        title="走访瓷砖区",
        description="商户反映三月工资晚发十天。",
    )


def _url(activity_id):
    return f"{reverse('grievances:grievance_create')}?activity={activity_id}"


def test_the_form_starts_from_the_entry_and_the_grievance_remembers_it(
    client, liaison, visit, grid_zone, park
):
    client.force_login(liaison)
    response = client.get(_url(visit.pk))
    assert response.status_code == 200
    form = response.context["form"]
    assert form["park"].value() == park.pk
    assert form["grid_zone"].value() == grid_zone.pk
    assert form["channel"].value() == "liaison_visit"
    assert form["description"].value() == "商户反映三月工资晚发十天。"
    html = response.content.decode()
    assert f'href="{visit.get_absolute_url()}"' in html and "走访瓷砖区" in html

    data = {
        "park": park.pk,
        "grid_zone": grid_zone.pk,
        "channel": "liaison_visit",
        "category": "wages",
        "title": "工资晚发",
        "description": "商户反映三月工资晚发十天。",
    }
    response = client.post(_url(visit.pk), data)
    grievance = Grievance.objects.get()
    assert response.url == grievance.get_absolute_url()
    assert (grievance.source_activity, grievance.logged_by, grievance.channel) == (
        visit,
        liaison,
        "liaison_visit",
    )


def test_only_an_entry_the_user_can_see_is_used(client, other_park, other_grid_zone, liaison, park):
    elsewhere = ActivityFactory(grid_zone=other_grid_zone)
    client.force_login(liaison)
    assert client.get(_url(elsewhere.pk)).status_code == 404
    assert client.get(_url("abc")).status_code == 404
    data = {
        "park": park.pk,
        "channel": "liaison_visit",
        "category": "wages",
        "title": "工资晚发",
        "description": "晚发十天。",
    }
    assert client.post(_url(elsewhere.pk), data).status_code == 404
    assert not Grievance.objects.exists()


def test_who_sees_the_entry_but_logs_no_grievances_is_refused(client, visit, subdistrict_user):
    client.force_login(subdistrict_user)
    assert client.get(_url(visit.pk)).status_code == 403


def test_the_grievance_stays_in_the_entrys_park(client, office_user, visit, other_park):
    client.force_login(office_user)
    data = {
        "park": other_park.pk,
        "channel": "liaison_visit",
        "category": "wages",
        "title": "工资晚发",
        "description": "晚发十天。",
    }
    html = client.post(_url(visit.pk), data).content.decode()
    assert f"The activity this grievance was heard at is in {visit.park.name}." in html
    assert not Grievance.objects.exists()


def test_a_liaison_of_the_park_may_turn_a_neighbours_entry_into_a_grievance(client, visit, park):
    neighbour = UserFactory(role=Role.LIAISON, park=park)
    client.force_login(neighbour)
    assert client.get(_url(visit.pk)).status_code == 200


def test_the_grievance_page_links_back_to_the_entry(client, liaison, visit, park):
    client.force_login(liaison)
    client.post(
        _url(visit.pk),
        {
            "park": park.pk,
            "channel": "liaison_visit",
            "category": "wages",
            "title": "工资晚发",
            "description": "商户反映三月工资晚发十天。",
        },
    )
    html = client.get(Grievance.objects.get().get_absolute_url()).content.decode()
    assert f'id="source-activity" href="{visit.get_absolute_url()}"' in html


def test_the_service_refuses_an_entry_of_another_park(office_user, other_park, visit):
    grievance = GrievanceFactory.build(park=other_park, source_activity=visit)
    with pytest.raises(ValidationError) as refused:
        services.grievance_receive(grievance=grievance, actor=office_user)
    assert "source_activity" in refused.value.message_dict
    assert not Grievance.objects.exists()


# --- The form starts complete: title, note, zone, category, photos --------------------------


def _as_the_browser_sends_it(form):
    """The form's starting values as the browser posts them when the user just presses Save."""
    data = {}
    for field in form:
        value = field.value()
        if value in (None, "", False):
            continue
        data[field.html_name] = "on" if value is True else value
    return data


def test_saving_the_prefilled_form_unchanged_logs_the_grievance_with_the_entrys_photos(
    client, liaison, visit, grid_zone
):
    services_helpers.add_photo(visit, colour="red")
    services_helpers.add_photo(visit, colour="blue")
    client.force_login(liaison)
    form = client.get(_url(visit.pk)).context["form"]
    assert form["title"].value() == "走访瓷砖区"
    assert form["category"].value() == "wages"  # 工资 in the note

    response = client.post(_url(visit.pk), _as_the_browser_sends_it(form))

    grievance = Grievance.objects.get()
    assert response.status_code == 302 and response.url == grievance.get_absolute_url()
    assert (grievance.title, grievance.category, grievance.grid_zone) == (
        "走访瓷砖区",
        "wages",
        grid_zone,
    )
    assert grievance.description == "商户反映三月工资晚发十天。"
    photos = list(visit.photos.order_by("pk"))
    copies = list(grievance.attachments.order_by("pk"))
    assert [a.original_name for a in copies] == [p.download_name for p in photos]
    for photo, copy in zip(photos, copies, strict=True):
        assert copy.file.name != photo.image.name  # a copy, not the entry's file
        assert copy.file.read() == photo.image.read()
        assert copy.size == photo.image.size


def test_the_copies_stay_when_the_entrys_photos_are_deleted(client, liaison, visit):
    services_helpers.add_photo(visit)
    client.force_login(liaison)
    form = client.get(_url(visit.pk)).context["form"]
    client.post(_url(visit.pk), _as_the_browser_sends_it(form))
    visit.photos.all().delete()
    attachment = Grievance.objects.get().attachments.get()
    assert attachment.file.read()[:3] == b"\xff\xd8\xff"


def test_unticking_the_photos_leaves_them_out(client, liaison, visit):
    services_helpers.add_photo(visit)
    client.force_login(liaison)
    data = _as_the_browser_sends_it(client.get(_url(visit.pk)).context["form"])
    del data["with_photos"]
    client.post(_url(visit.pk), data)
    assert not Grievance.objects.get().attachments.exists()


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("老板拖欠三个月工资", "wages"),
        ("工地欠薪", "wages"),
        ("搬货时受伤，工伤认定没人管", "injury_subsidy"),
        ("被无故辞退，要求劳动仲裁", "labour_dispute"),
        ("仓库消防通道堵塞", "safety"),
        ("车间空调坏了三天", "opinion"),
        ("今天天气不错", ""),
    ],
)
def test_the_category_is_suggested_from_the_words_of_the_entry(text, category):
    assert intake.suggest_category(text) == category


def test_an_entry_without_a_title_gives_the_first_sentence_of_its_note(visit):
    visit.title = ""
    visit.description = "冷库门坏了。商户说已经两天。"
    assert intake.title_for(visit) == "冷库门坏了"
