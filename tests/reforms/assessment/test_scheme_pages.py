"""The office's scheme pages: a new scheme offers one row per indicator; weights that do not add
up, or a range with no width, come back on the form with nothing saved; a saved scheme shows
its indicators and items; putting it in force and retiring it; scoring a period from its page.
Everyone else is refused."""

from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from parks.structure.choices import Role
from reforms.assessment.choices import SchemeStatus, SubjectKind
from reforms.assessment.indicators import INDICATORS
from reforms.assessment.models import Scheme, SchemeItem
from tests.factories import OrganisationFactory, UserFactory
from tests.reforms.assessment.factories_web import SchemeFactory, make_score

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def in_english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def _form(weights, *, kind=SubjectKind.UNIT, items=(), name="2026年度成员单位考核"):
    """The scheme form as the browser posts it: every indicator's row, the given weights."""
    data = {
        "year": "2026",
        "subject_kind": kind,
        "name": name,
        "total_weight": "100",
        "not_applicable": "redistribute",
        "bonus_cap": "5",
        "deduction_cap": "10",
        "red_list_size": "3",
        "black_list_size": "3",
        "indicators-TOTAL_FORMS": str(len(INDICATORS)),
        "indicators-INITIAL_FORMS": str(len(INDICATORS)),
        "items-TOTAL_FORMS": str(max(len(items), 1)),
        "items-INITIAL_FORMS": "0",
    }
    for n, key in enumerate(INDICATORS):
        lower = INDICATORS[key].lower_is_better
        data |= {
            f"indicators-{n}-indicator": key,
            f"indicators-{n}-weight": str(weights.get(key, "")),
            f"indicators-{n}-full_at": "0" if lower else "100",
            f"indicators-{n}-zero_at": "20" if lower else "60",
        }
    for n, (kind_, item_name, points, pk) in enumerate(items or [("bonus", "", "", "")]):
        data |= {
            f"items-{n}-item": pk,
            f"items-{n}-kind": kind_,
            f"items-{n}-name": item_name,
            f"items-{n}-points": points,
        }
    return data


def test_the_new_scheme_form_offers_every_indicator(client, office_user):
    client.force_login(office_user)
    response = client.get(reverse("reforms:assessment_scheme_create"), {"kind": "park"})
    assert response.status_code == 200
    rows = response.context["indicator_rows"].forms
    assert [form["indicator"].value() for form in rows] == list(INDICATORS)
    assert response.context["form"]["subject_kind"].value() == "park"
    page = response.content.decode()
    assert page.count('class="indicator-row"') == len(INDICATORS)


def test_weights_that_do_not_add_up_are_shown_on_the_form_and_nothing_is_saved(client, office_user):
    client.force_login(office_user)
    response = client.post(
        reverse("reforms:assessment_scheme_create"),
        _form({"task_on_time": "50", "response_rate": "40"}),
    )
    assert response.status_code == 400
    assert "The weights add up to 90.00; the scheme says 100.00." in response.content.decode()
    # What was typed is kept.
    assert response.context["indicator_rows"].forms[0]["weight"].value() == "50"
    assert not Scheme.objects.exists()


def test_a_range_with_no_width_is_an_error_on_its_row(client, office_user):
    client.force_login(office_user)
    data = _form({"task_on_time": "100"})
    data["indicators-0-zero_at"] = data["indicators-0-full_at"]
    response = client.post(reverse("reforms:assessment_scheme_create"), data)
    assert response.status_code == 400
    assert response.context["indicator_rows"].forms[0].errors["zero_at"]
    assert not Scheme.objects.exists()


def test_an_item_without_points_is_an_error(client, office_user):
    client.force_login(office_user)
    data = _form({"task_on_time": "100"}, items=[("bonus", "典型案例", "", "")])
    response = client.post(reverse("reforms:assessment_scheme_create"), data)
    assert response.status_code == 400
    assert response.context["item_rows"].forms[0].errors["points"]


@pytest.mark.parametrize("role", [Role.MEMBER_UNIT, Role.PARK_MANAGER, Role.OBSERVER])
def test_only_the_office_opens_the_scheme_pages(client, park, role):
    scheme = SchemeFactory()
    extra = {"organisation": OrganisationFactory()} if role == Role.MEMBER_UNIT else {}
    user = UserFactory(role=role, park=park if role == Role.PARK_MANAGER else None, **extra)
    client.force_login(user)
    for url in (
        reverse("reforms:assessment_scheme_create"),
        reverse("reforms:assessment_scheme_edit", args=[scheme.pk]),
    ):
        assert client.get(url).status_code == 403
    # The rules page answers as the API's scheme does (access.assessment_schemes_visible): a
    # scheme none of the user's published scores was computed with is not there for them.
    # (Was 403 for the assessed while the API answered 404 for the same scheme.)
    assert client.get(scheme.get_absolute_url()).status_code in (403, 404)
    status = reverse("reforms:assessment_scheme_status", args=[scheme.pk])
    assert client.post(status, {"action": "retire"}).status_code == 403
    compute = reverse("reforms:assessment_compute", args=[scheme.pk])
    assert client.post(compute, {"period_kind": "month", "day": "2026-03-05"}).status_code == 403


def test_a_scheme_page_shows_its_indicators_items_and_buttons(client, office_user):
    scheme = SchemeFactory(status=SchemeStatus.DRAFT)
    client.force_login(office_user)
    page = client.get(scheme.get_absolute_url()).content.decode()
    assert "按时完成率" in page and "典型案例被推广" in page
    assert 'id="activate-scheme"' in page and 'id="edit-scheme"' in page
    assert 'id="retire-scheme"' not in page and 'id="compute-form"' not in page


def test_editing_a_scheme_in_force_keeps_its_year_and_subjects(client, office_user):
    scheme = SchemeFactory(status=SchemeStatus.ACTIVE)
    client.force_login(office_user)
    response = client.get(reverse("reforms:assessment_scheme_edit", args=[scheme.pk]))
    form = response.context["form"]
    assert form.fields["year"].disabled and form.fields["subject_kind"].disabled
    weights = {
        form["indicator"].value(): form["weight"].value()
        for form in response.context["indicator_rows"].forms
    }
    assert weights["task_on_time"] == Decimal("60") and weights["coverage"] is None
    items = response.context["item_rows"].forms
    assert [form["name"].value() for form in items[:2]] == ["典型案例被推广", "投诉被上级督办"]
    assert items[0]["item"].value() == SchemeItem.objects.get(name="典型案例被推广").pk


def test_the_scheme_pages_run_a_fixed_number_of_queries(client, office_user):
    counts = []
    for size in (2, 20):
        scheme = SchemeFactory(status=SchemeStatus.ACTIVE, year=2000 + size)
        for n in range(size):
            unit = OrganisationFactory()
            make_score(scheme, unit, rank=1, total=80, month=n % 12 + 1)
            SchemeItem.objects.create(scheme=scheme, kind="bonus", name=f"加分{n}", points=1)
        client.force_login(office_user)
        run = []
        for url in (
            scheme.get_absolute_url(),
            reverse("reforms:assessment_scheme_edit", args=[scheme.pk]),
        ):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            run.append(len(queries))
        counts.append(run)
    assert counts[0] == counts[1]


def test_the_assessed_read_the_rules_of_their_published_score_without_its_actions(client):
    unit = OrganisationFactory(kind="member_unit")
    scheme = SchemeFactory(status=SchemeStatus.ACTIVE)
    make_score(scheme, unit, rank=1, total=90)
    client.force_login(UserFactory(role=Role.MEMBER_UNIT, organisation=unit))
    response = client.get(scheme.get_absolute_url())
    assert response.status_code == 200
    assert response.context["may_edit"] is False
    assert response.context["compute_form"] is None
    assert reverse("reforms:assessment_scheme_edit", args=[scheme.pk]) not in response.text
