"""Writing schemes over /api/v1/assessment/schemes/: the office only, through
reforms.assessment.services (scheme_problems as 400s, nothing half-saved), a scheme in force
gets a new version, a retired one is a 409; activate and retire."""

from decimal import Decimal

import pytest

from parks.structure.choices import Role
from reforms.assessment.choices import SchemeStatus
from reforms.assessment.models import Scheme, SchemeItem
from tests.factories import OrganisationFactory, UserFactory
from tests.reforms.assessment.factories import scheme_with_rows

pytestmark = pytest.mark.django_db

URL = "/api/v1/assessment/schemes/"


def _body(**changes):
    body = {
        "year": 2026,
        "subject_kind": "unit",
        "name": "2026年度成员单位考核方案",
        "total_weight": "100",
        "not_applicable": "redistribute",
        "bonus_cap": "5",
        "deduction_cap": "10",
        "red_list_size": 3,
        "black_list_size": 3,
        "indicators": [
            {"indicator": "task_on_time", "weight": "60", "full_at": "100", "zero_at": "60"},
            {"indicator": "response_rate", "weight": "40", "full_at": "100", "zero_at": "60"},
        ],
        "items": [{"kind": "bonus", "name": "典型案例被推广", "points": "2"}],
    }
    return {**body, **changes}


def test_the_office_writes_a_draft_scheme(api_as, office_user):
    response = api_as(office_user).post(URL, _body(), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "draft" and body["version"] == 1
    assert [row["indicator"] for row in body["indicators"]] == ["task_on_time", "response_rate"]
    assert body["items"][0]["name"] == "典型案例被推广"
    scheme = Scheme.objects.get(pk=body["id"])
    assert scheme.created_by == office_user and scheme.indicators.count() == 2


@pytest.mark.parametrize(
    "changes",
    [
        # The weights add up to 90, not 100.
        {
            "indicators": [
                {"indicator": "task_on_time", "weight": "50", "full_at": "100", "zero_at": "60"},
                {"indicator": "response_rate", "weight": "40", "full_at": "100", "zero_at": "60"},
            ]
        },
        # Grid coverage is not an indicator of member units.
        {
            "indicators": [
                {"indicator": "task_on_time", "weight": "60", "full_at": "100", "zero_at": "60"},
                {"indicator": "coverage", "weight": "40", "full_at": "100", "zero_at": "50"},
            ]
        },
        {"indicators": []},
        {
            "indicators": [
                {"indicator": "no_such", "weight": "100", "full_at": "100", "zero_at": "60"}
            ]
        },
        # An item above the bonus cap.
        {"items": [{"kind": "bonus", "name": "大奖", "points": "9"}]},
    ],
)
def test_what_scheme_problems_finds_is_a_400_and_nothing_is_saved(api_as, office_user, changes):
    response = api_as(office_user).post(URL, _body(**changes), format="json")
    assert response.status_code == 400, response.json()
    assert response.json()["non_field_errors"]
    assert not Scheme.objects.exists()


def test_field_errors_are_400s_by_field(api_as, office_user):
    api = api_as(office_user)
    for changes, field in (
        ({"subject_kind": "people"}, "subject_kind"),
        ({"year": "soon"}, "year"),
        ({"total_weight": "-1e999"}, "total_weight"),
        ({"indicators": "all"}, "indicators"),
    ):
        response = api.post(URL, _body(**changes), format="json")
        assert response.status_code == 400, changes
        assert field in response.json(), changes
    assert not Scheme.objects.exists()


def test_only_the_office_writes_schemes(api_as):
    unit = OrganisationFactory()
    staff = UserFactory(role=Role.MEMBER_UNIT, organisation=unit)
    assert api_as(staff).post(URL, _body(), format="json").status_code == 403
    assert not Scheme.objects.exists()


def test_a_change_to_a_scheme_in_force_is_a_new_version(api_as, office_user):
    scheme = scheme_with_rows()
    item = scheme.items.get(kind="bonus")
    api = api_as(office_user)
    changed = _body(
        indicators=[
            {"indicator": "task_on_time", "weight": "70", "full_at": "100", "zero_at": "60"},
            {"indicator": "response_rate", "weight": "30", "full_at": "100", "zero_at": "60"},
        ],
        items=[{"id": item.pk, "kind": "bonus", "name": "典型案例获市级推广", "points": "2"}],
    )
    response = api.put(f"{URL}{scheme.pk}/", changed, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["version"] == 2
    assert list(SchemeItem.objects.filter(scheme=scheme).values_list("pk", "name")) == [
        (item.pk, "典型案例获市级推广")
    ]
    # A change of name alone keeps the rows and the version.
    response = api.patch(f"{URL}{scheme.pk}/", {"name": "新名称"}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["version"] == 2
    assert [row["weight"] for row in response.json()["indicators"]] == ["70.00", "30.00"]


def test_a_retired_scheme_cannot_change(api_as, office_user):
    scheme = scheme_with_rows(status=SchemeStatus.RETIRED)
    response = api_as(office_user).patch(f"{URL}{scheme.pk}/", {"name": "改"}, format="json")
    assert response.status_code == 409
    scheme.refresh_from_db()
    assert scheme.name != "改"


def test_activate_and_retire(api_as, office_user):
    api = api_as(office_user)
    draft = scheme_with_rows(status=SchemeStatus.DRAFT)
    response = api.post(f"{URL}{draft.pk}/activate/")
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "active"
    # One scheme in force per year and subjects.
    other = scheme_with_rows(status=SchemeStatus.DRAFT)
    assert api.post(f"{URL}{other.pk}/activate/").status_code == 409
    assert api.post(f"{URL}{draft.pk}/activate/").status_code == 409  # not a draft
    assert api.post(f"{URL}{draft.pk}/retire/").json()["status"] == "retired"
    assert api.post(f"{URL}{draft.pk}/retire/").status_code == 409
    assert Scheme.objects.get(pk=other.pk).status == SchemeStatus.DRAFT
    assert Decimal(Scheme.objects.get(pk=draft.pk).total_weight) == Decimal("100")
