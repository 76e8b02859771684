"""Schemes: the one rule on their rows (scheme_problems), saving, versions, putting in force
and retiring, and nothing half-saved."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from parks.history.models import AuditEvent
from parks.structure.choices import Role
from reforms.assessment import services
from reforms.assessment.choices import SchemeStatus, SubjectKind
from reforms.assessment.models import Scheme, SchemeIndicator, SchemeItem
from tests.factories import UserFactory
from tests.reforms.assessment.factories import ScoreFactory, scheme_with_rows

pytestmark = pytest.mark.django_db


def row(key, weight, full_at="100", zero_at="60"):
    return SchemeIndicator(
        indicator=key, weight=Decimal(weight), full_at=Decimal(full_at), zero_at=Decimal(zero_at)
    )


def item(kind, name, points, pk=None):
    return SchemeItem(pk=pk, kind=kind, name=name, points=Decimal(points))


def new_scheme(kind=SubjectKind.UNIT, **fields):
    return Scheme(year=2026, subject_kind=kind, name="2026年成员单位考核方案", **fields)


def test_weights_that_do_not_add_up_are_named():
    problems = services.scheme_problems(
        new_scheme(), [row("task_on_time", "60"), row("response_rate", "30")], []
    )
    assert problems == ["The weights add up to 90.00; the scheme says 100.00."]


def test_a_scheme_weighs_at_least_one_indicator():
    assert services.scheme_problems(new_scheme(), [], []) == [
        "A scheme weighs at least one indicator."
    ]


def test_grid_coverage_is_for_parks_and_subdistricts_only():
    rows = [row("task_on_time", "80"), row("coverage", "20")]
    assert services.scheme_problems(new_scheme(), rows, []) == [
        "网格覆盖率 does not apply to Member units."
    ]
    assert services.scheme_problems(new_scheme(SubjectKind.PARK), rows, []) == []


def test_unknown_repeated_and_badly_ranged_indicators_are_named():
    rows = [
        row("speed", "10"),
        row("task_on_time", "30"),
        row("task_on_time", "30"),
        row("return_rate", "30", full_at="20", zero_at="0"),
    ]
    assert services.scheme_problems(new_scheme(), rows, []) == [
        "“speed” is not an indicator.",
        "按时完成率 is listed twice.",
        "退回率: lower is better, so full marks must be below the no-points value.",
    ]


def test_items_need_positive_points_within_the_caps():
    items = [item("bonus", "典型案例", "6"), item("deduction", "投诉升级", "0")]
    problems = services.scheme_problems(new_scheme(), [row("task_on_time", "100")], items)
    assert problems == [
        "典型案例: 6 points is above the bonus cap of 5.",
        "投诉升级: the points must be above 0 (the kind says added or taken).",
    ]


def test_saving_a_new_scheme_writes_its_rows_and_the_audit(office_user):
    scheme = services.save_scheme(
        new_scheme(),
        [row("task_on_time", "60"), row("response_rate", "40")],
        [item("bonus", "典型案例被推广", "2")],
        by=office_user,
    )
    assert scheme.status == SchemeStatus.DRAFT and scheme.version == 1
    assert list(scheme.indicators.values_list("indicator", "weight", "position")) == [
        ("task_on_time", Decimal("60.00"), 0),
        ("response_rate", Decimal("40.00"), 1),
    ]
    assert list(scheme.items.values_list("name", "points")) == [("典型案例被推广", Decimal("2.00"))]
    event = AuditEvent.objects.get(object_id=scheme.pk, content_type__model="scheme")
    assert event.changes["indicators"] == [None, "task_on_time 60.00; response_rate 40.00"]


def test_a_refused_scheme_saves_nothing(office_user):
    scheme = scheme_with_rows(status=SchemeStatus.DRAFT)
    with pytest.raises(ValidationError) as refused:
        services.save_scheme(scheme, [row("task_on_time", "50")], [], by=office_user)
    assert refused.value.messages == ["The weights add up to 50.00; the scheme says 100.00."]
    assert scheme.indicators.count() == 2 and scheme.items.count() == 2


def test_a_scheme_in_force_gets_a_new_version_when_its_rules_change(office_user):
    scheme = scheme_with_rows()
    kept_items = [item(i.kind, i.name, i.points, pk=i.pk) for i in scheme.items.all()]
    unchanged = [row("task_on_time", "60"), row("response_rate", "40")]
    services.save_scheme(scheme, unchanged, kept_items, by=office_user)
    assert Scheme.objects.get(pk=scheme.pk).version == 1
    services.save_scheme(
        scheme, [row("task_on_time", "70"), row("response_rate", "30")], kept_items, by=office_user
    )
    assert Scheme.objects.get(pk=scheme.pk).version == 2


def test_a_draft_keeps_its_version(office_user):
    scheme = scheme_with_rows(status=SchemeStatus.DRAFT)
    services.save_scheme(scheme, [row("task_on_time", "100")], [], by=office_user)
    scheme.refresh_from_db()
    assert scheme.version == 1 and scheme.items.count() == 0


def test_an_item_applied_to_a_score_cannot_be_removed(office_user):
    scheme = scheme_with_rows()
    score = ScoreFactory(scheme=scheme)
    bonus = scheme.items.get(kind="bonus")
    services.adjust(score, item=bonus, reason="典型案例被区里推广", by=office_user)
    with pytest.raises(ValidationError) as refused:
        services.save_scheme(scheme, [row("task_on_time", "100")], [], by=office_user)
    assert "cannot be removed" in refused.value.messages[0]
    assert scheme.indicators.count() == 2  # rolled back with the rest


def test_a_retired_scheme_cannot_be_changed(office_user):
    scheme = scheme_with_rows(status=SchemeStatus.RETIRED)
    with pytest.raises(ValidationError, match="A retired scheme cannot be changed"):
        services.save_scheme(scheme, [row("task_on_time", "100")], [], by=office_user)


def test_only_the_office_writes_schemes(member_unit_user):
    with pytest.raises(PermissionDenied):
        services.save_scheme(new_scheme(), [row("task_on_time", "100")], [], by=member_unit_user)


def test_putting_in_force_and_retiring(office_user):
    scheme = scheme_with_rows(status=SchemeStatus.DRAFT)
    services.activate_scheme(scheme, by=office_user)
    assert Scheme.objects.get(pk=scheme.pk).status == SchemeStatus.ACTIVE
    with pytest.raises(ValidationError, match="Only a draft scheme can be put in force"):
        services.activate_scheme(scheme, by=office_user)
    services.retire_scheme(scheme, by=office_user)
    assert Scheme.objects.get(pk=scheme.pk).status == SchemeStatus.RETIRED
    with pytest.raises(ValidationError, match="Only a scheme in force can be retired"):
        services.retire_scheme(scheme, by=office_user)
    changes = (
        AuditEvent.objects.filter(object_id=scheme.pk)
        .order_by("pk")
        .values_list("changes", flat=True)
    )
    assert [c["status"] for c in changes] == [["draft", "active"], ["active", "retired"]]


def test_one_scheme_in_force_per_year_and_kind(office_user):
    scheme_with_rows()
    second = scheme_with_rows(status=SchemeStatus.DRAFT)
    with pytest.raises(ValidationError) as refused:
        services.activate_scheme(second, by=office_user)
    assert refused.value.messages == [
        "Another scheme for this year and these subjects is already in force."
    ]
    assert Scheme.objects.get(pk=second.pk).status == SchemeStatus.DRAFT
    other_year = scheme_with_rows(status=SchemeStatus.DRAFT, year=2027)
    services.activate_scheme(other_year, by=UserFactory(role=Role.OFFICE))


def test_a_scheme_with_bad_rows_cannot_be_put_in_force(office_user):
    scheme = scheme_with_rows(
        status=SchemeStatus.DRAFT, indicators=(("task_on_time", "90", "100", "60"),)
    )
    with pytest.raises(ValidationError, match="add up to 90.00"):
        services.activate_scheme(scheme, by=office_user)


def test_a_scheme_with_scores_keeps_its_year_and_subjects(office_user):
    scheme = scheme_with_rows()
    ScoreFactory(scheme=scheme)
    rows = [row("task_on_time", "60"), row("response_rate", "40")]
    scheme.subject_kind = SubjectKind.PARK
    with pytest.raises(ValidationError, match="its year and the subjects it assesses stay"):
        services.save_scheme(scheme, rows, [], by=office_user)
    assert Scheme.objects.get(pk=scheme.pk).subject_kind == SubjectKind.UNIT


def test_the_admin_shows_schemes_and_scores_read_only(admin_client):
    score = ScoreFactory(scheme=scheme_with_rows())
    for name, pk in (("scheme", score.scheme_id), ("score", score.pk)):
        assert admin_client.get(reverse(f"admin:reforms_{name}_changelist")).status_code == 200
        page = admin_client.get(reverse(f"admin:reforms_{name}_change", args=[pk]))
        assert page.status_code == 200 and b'name="_save"' not in page.content
        assert admin_client.get(reverse(f"admin:reforms_{name}_add")).status_code == 403
