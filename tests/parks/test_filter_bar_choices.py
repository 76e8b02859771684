"""The selects of the inbox's and the feed's filter bars read their labels from columns
(parks.core.filter_bar.label_by_columns, parks.structure.choice_labels), not from a model
instance per option: the options are the ones the instances gave — same values, same labels,
same order, escaped, the chosen one selected."""

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from grievances.filters import GrievanceFilter
from grievances.models import Grievance
from grievances.views.inbox import filtered_grievances
from parks.core import filter_bar
from parks.core.db import chinese_order
from parks.core.filter_bar import _choices, _drawn_options, _options
from parks.gridlog import selectors as gridlog_selectors
from parks.gridlog.models import Activity
from parks.gridlog.views import office as office_view
from parks.gridlog.views.office import filtered_activities
from parks.structure.choices import Role
from parks.structure.models import Facility, GridZone
from tests.factories import GridZoneFactory, OrganisationFactory, ParkFactory, UserFactory
from tests.parks.test_filter_bar import read_bar

pytestmark = pytest.mark.django_db


@pytest.fixture
def varied(park, other_park):
    """Zones in three parks (one name needing escaping), people with and without a display
    name, units: what the selects list."""
    odd_park = ParkFactory(name='<b>园区 & "引号"</b>', subdistrict=park.subdistrict)
    for code, target in (("G02", park), ("G01", park), ("A1", other_park), ("Z9", odd_park)):
        GridZoneFactory(park=target, code=code, name=f"{target.name[:2]}区")
    UserFactory(username="no_display_name", display_name="", role=Role.LIAISON, park=park)
    UserFactory(username="named", display_name="王<五>", role=Role.PARK_MANAGER, park=park)
    OrganisationFactory(name="区总工会 & 人社局")
    return odd_park


def instance_labels(field):
    """The options as Django's ModelChoiceField drew them before: str(row), a zone with its
    park's name before it."""
    labels = []
    for row in field.queryset:
        if field.queryset.model._meta.model_name == "gridzone":
            labels.append((str(row.pk), f"{row.park.name} · {row.code} {row.name}"))
        else:
            labels.append((str(row.pk), str(row)))
    return labels


def test_the_inboxs_selects_list_what_the_rows_named(office_user, varied):
    request = RequestFactory().get("/grievances/")
    request.user = office_user
    grievance_filter, *_rest = filtered_grievances(request)

    for name in ("park", "grid_zone", "handling_unit"):
        field = grievance_filter.form.fields[name]
        assert field.label_columns, name
        assert _choices(field) == instance_labels(field), name
        # Any other drawing of the field names its rows the same way.
        assert [(str(value), text) for value, text in field.choices if value] == _choices(field)


def test_the_feeds_selects_list_what_the_rows_named(office_user, varied):
    request = RequestFactory().get("/activities/")
    request.user = office_user
    activity_filter, _activities = filtered_activities(
        request, gridlog_selectors.activity_list(user=office_user), data=request.GET
    )

    for name in ("park", "subdistrict", "grid_zone", "logged_by"):
        field = activity_filter.form.fields[name]
        assert _choices(field) == instance_labels(field), name
    people = dict(_choices(activity_filter.form.fields["logged_by"]))
    assert "no_display_name" in people.values() and "王<五>" in people.values()


@pytest.mark.parametrize("url", ["grievances:inbox", "parks:activity_feed"])
def test_the_options_are_escaped_and_the_chosen_one_selected(client, office_user, varied, url):
    client.force_login(office_user)
    zone = GridZone.objects.get(park=varied)

    bar = read_bar(client, reverse(url), {"grid_zone": str(zone.pk)})

    zones = bar.selects["grid_zone"]
    assert zones[0] == {"value": "", "text": "全部", "selected": False}
    chosen = [option for option in zones if option["selected"]]
    assert chosen == [
        {"value": str(zone.pk), "text": '<b>园区 & "引号"</b> · Z9 <b区', "selected": True}
    ]
    page = client.get(reverse(url)).content.decode()
    assert "&lt;b&gt;园区 &amp; &quot;引号&quot;&lt;/b&gt; · Z9 &lt;b区</option>" in page
    assert "<b>园区" not in page


def test_the_options_are_what_format_html_drew():
    choices = [
        ("1", "plain"),
        ("2", "<b>'quoted' & \"double\"</b>"),
        ("3", mark_safe("<i>kept</i>")),  # noqa: S308 a test's own markup
        ("a&b", gettext_lazy("Park")),
        (4, 5),
    ]
    selected = {"2", "a&b", "4"}

    expected = format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((value, " selected" if value in selected else "", text) for value, text in choices),
    )

    assert _options(choices, selected) == expected
    assert "&#x27;quoted&#x27; &amp; &quot;double&quot;" in _options(choices, selected)


def test_kept_options_are_the_drawn_ones_and_keyed_on_every_input():
    plain = [("1", "<b>一区</b>"), ("2", "二区")]
    safe = [("1", mark_safe("<b>一区</b>")), ("2", "二区")]  # noqa: S308 a test's own markup
    for choices in (plain, safe, plain):
        for selected in (set(), {"2"}, {"1", "2"}):
            assert _options(choices, selected) == _drawn_options(choices, selected)
    assert _options(plain, set()) != _options(safe, set())
    with translation.override("en"):
        english = _options([("p", gettext_lazy("Park"))], set())
    with translation.override("zh-hans"):
        assert _options([("p", gettext_lazy("Park"))], set()) != english


def test_lazy_labels_are_kept_as_their_text_in_each_language():
    """A choice's lazy name (the inbox's channels, categories and time limits) is kept as its
    text in the request's language: drawn as before, in each language its own."""
    choices = [("hotline", gettext_lazy("Park")), ("a&b", gettext_lazy("Grid zone")), ("c", "三")]
    drawn = {}
    for language in ("en", "zh-hans", "en"):
        with translation.override(language):
            for selected in (set(), {"a&b"}):
                kept = _options(choices, selected)
                assert kept == _drawn_options(choices, selected)
                assert _options(choices, selected) is kept  # kept, not drawn again
                drawn.setdefault((language, frozenset(selected)), kept)
                assert drawn[(language, frozenset(selected))] == kept
    assert drawn[("en", frozenset())] != drawn[("zh-hans", frozenset())]


def test_selected_values_that_are_no_choice_make_no_entry_of_their_own():
    # Found in review: keyed on the raw selection, each made-up value of a request kept another
    # copy of the whole option list.
    choices = [("1", "一区"), ("2", "二区")]
    _options(choices, {"2"})
    kept = len(filter_bar._KEPT)
    for made_up in range(20):
        assert _options(choices, {"2", f"no-such-{made_up}"}) == _drawn_options(choices, {"2"})
    assert len(filter_bar._KEPT) == kept


def test_rows_of_text_and_whole_number_columns_are_labelled_once_the_same(office_user, varied):
    """parks.core.filter_bar._labelled: the labels and their options' key kept per the rows as
    read, for columns whose equal values print the same; a numeric column is labelled afresh."""
    request = RequestFactory().get("/grievances/")
    request.user = office_user
    grievance_filter, *_rest = filtered_grievances(request)
    filter_bar._LABELLED.clear()
    for name in ("park", "grid_zone", "handling_unit"):
        field = grievance_filter.form.fields[name]
        expected = instance_labels(field)
        assert _choices(field, name, ("test", name)) == expected, name
        assert _choices(field, name, ("test", name)) == expected, name
        choices, known = filter_bar._choices_keyed(field, name, ("test", name))
        assert known is not None
        assert _options(choices, {expected[0][0]}, known) == _options(choices, {expected[0][0]})
    assert len(filter_bar._LABELLED) == 3
    assert filter_bar._exact_columns(GridZone, ("park__name", "code", "name"))
    assert not filter_bar._exact_columns(Facility, ("name", "area_m2"))
    assert not filter_bar._exact_columns(GridZone, ("no_such_column",))


def _feed_fields(user):
    request = RequestFactory().get("/activities/")
    request.user = user
    activity_filter, _activities = filtered_activities(request, Activity.objects.none(), data={})
    return activity_filter.form.fields


def test_the_feeds_selects_are_ordered_once_per_scope_as_each_request_would(
    office_user, liaison, varied
):
    """parks.core.filter_bar.order_choices keeps each select's ordered queryset per scope: a
    second request of the same scope, and a request of another scope, get the SQL (and the
    options) their own request would order."""
    order = {
        "park": (chinese_order("name"), "pk"),
        "subdistrict": (chinese_order("name"), "pk"),
        "logged_by": (chinese_order("display_name"), "pk"),
        "grid_zone": gridlog_selectors.COVERAGE_ZONE_ORDER,
    }
    filter_bar._ORDERED.clear()
    for user in (office_user, liaison, office_user, liaison):
        request = RequestFactory().get("/activities/")
        request.user = user
        fresh = office_view.ActivityFilter({}, queryset=Activity.objects.none(), request=request)
        fields = _feed_fields(user)
        for name, by in order.items():
            expected = fresh.form.fields[name].queryset.order_by(*by)
            assert str(fields[name].queryset.query) == str(expected.query), (user, name)
            assert _choices(fields[name]) == instance_labels(fields[name]), (user, name)
    # The liaison sees their park alone; the office every park.
    assert len(_feed_fields(liaison)["park"].queryset) == 1
    assert len(_feed_fields(office_user)["park"].queryset) >= 3


def test_the_inboxs_zones_are_ordered_once_per_scope_as_each_request_would(
    office_user, liaison, varied
):
    filter_bar._ORDERED.clear()
    for user in (office_user, liaison, office_user, liaison):
        request = RequestFactory().get("/grievances/")
        request.user = user
        grievance_filter, *_rest = filtered_grievances(request)
        fresh = GrievanceFilter({}, queryset=Grievance.objects.none(), request=request)
        expected = fresh.form.fields["grid_zone"].queryset.order_by("park__name", "code")
        field = grievance_filter.form.fields["grid_zone"]
        assert str(field.queryset.query) == str(expected.query), user
        assert _choices(field) == instance_labels(field), user
