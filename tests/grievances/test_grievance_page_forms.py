"""The grievance page's modal forms on their own (grievances.drawn_forms): an unbound form is
drawn once per set of what it is made from, as the `_form.html` include draws it; one made of
other things is drawn anew, a bound one every time (issue 14). The whole page is compared with
its plain drawing in test_grievance_page_kept."""

from datetime import timedelta

import pytest
from django.db import connection
from django.template import Context, Template
from django.template.base import FilterExpression, Node, VariableNode
from django.template.loader import get_template
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from grievances import drawn_forms, replies, selectors
from grievances.choices import Action, Category
from grievances.forms import (
    ActionForm,
    AssignForm,
    ExtensionRequestForm,
    FollowUpForm,
    MediationConcludeForm,
    MediationOpenForm,
    MediationSessionForm,
    ReplyForm,
)
from grievances.models import Grievance, ReplyTemplate
from grievances.replies import templates_for
from parks.structure.choices import Role
from tests.factories import OrganisationFactory, UserFactory
from tests.grievances.pages_helpers import NOW
from tests.grievances.test_grievance_page_kept import (  # noqa: F401 (fixtures)
    cases,
    nothing_kept,
)

pytestmark = pytest.mark.django_db


def _included(form):
    return Template('{% include "_form.html" %}').render(Context({"form": form}))


def _forms(grievance, office_user):
    replies = list(templates_for(Category.WAGES))
    return [
        ActionForm(action=Action.WITHDRAW),
        ActionForm(action=Action.RETURN),
        ActionForm(action=Action.REOPEN),
        AssignForm(action=Action.ASSIGN, user=office_user, initial={"unit": None}),
        AssignForm(action=Action.ASSIGN, user=office_user),
        FollowUpForm(action=Action.FOLLOW_UP, grievance=grievance),
        ReplyForm(action=Action.REPLY, templates=replies),
        ReplyForm(action=Action.REPLY, templates=[]),
        ExtensionRequestForm(),
        MediationOpenForm(grievance=grievance),
        MediationSessionForm(),
        MediationConcludeForm(),
    ]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_each_form_is_drawn_as_the_include_draws_it(cases, office_user, language):  # noqa: F811 (cases: the fixture)
    grievance = Grievance.objects.get(pk=cases[2].pk)  # replied, rectified
    with translation.override(language):
        for made in range(3):
            for form, plain in zip(
                _forms(grievance, office_user), _forms(grievance, office_user), strict=True
            ):
                assert drawn_forms.drawn(form) == _included(plain), (made, type(form))
    assert len(drawn_forms._drawn) == 12  # each kept once, whatever the times it is made


def test_a_form_made_of_other_things_is_drawn_anew(cases, office_user, time_machine, park):  # noqa: F811 (cases: the fixture)
    time_machine.move_to(NOW, tick=False)
    grievance = Grievance.objects.get(pk=cases[0].pk)
    before = drawn_forms.drawn(MediationOpenForm(grievance=grievance))
    UserFactory(username="sun", display_name="孙<新>", park=park, role=Role.PARK_MANAGER)
    after = drawn_forms.drawn(MediationOpenForm(grievance=grievance))
    assert "孙&lt;新&gt;" in after and "孙" not in before
    time_machine.move_to(NOW + timedelta(days=1), tick=False)
    assert drawn_forms.drawn(MediationOpenForm(grievance=grievance)) == _included(
        MediationOpenForm(grievance=grievance)
    )
    ReplyTemplate.objects.create(category=Category.WAGES, title="新的", text="新")
    form = ReplyForm(action=Action.REPLY, templates=list(templates_for(Category.WAGES)))
    assert "新的" in drawn_forms.drawn(form)
    for follow_up in (True, False):
        Grievance.objects.filter(pk=grievance.pk).update(rectified=follow_up)
        grievance.refresh_from_db()
        form = FollowUpForm(action=Action.FOLLOW_UP, grievance=grievance)
        assert drawn_forms.drawn(form) == _included(
            FollowUpForm(action=Action.FOLLOW_UP, grievance=grievance)
        )


def test_a_bound_form_is_drawn_every_time_with_its_errors(cases):  # noqa: F811 (cases: the fixture)
    form = ExtensionRequestForm({"days": "x", "reason": ""})
    assert not form.is_valid()
    assert drawn_forms.drawn(form) == _included(form)
    assert not drawn_forms._drawn


def test_a_select_reads_its_options_once(cases, office_user):  # noqa: F811 (cases: the fixture)
    grievance = Grievance.objects.get(pk=cases[0].pk)
    form = MediationOpenForm(grievance=grievance)
    with CaptureQueriesContext(connection) as queries:
        drawn_forms.drawn(form)
    assert len(queries) == 1
    with CaptureQueriesContext(connection) as queries:
        drawn_forms.drawn(MediationOpenForm(grievance=grievance))  # kept: still read, for the key
    assert len(queries) == 1


def _variables(node: Node):
    for child in node.nodelist if hasattr(node, "nodelist") else []:
        yield from _variables(child)
    for attribute in vars(node).values():
        if isinstance(attribute, FilterExpression):
            yield attribute
    if isinstance(node, VariableNode):
        yield node.filter_expression
    for name in getattr(node, "child_nodelists", ()):
        for child in getattr(node, name, None) or []:
            yield from _variables(child)


def test_the_form_template_reads_only_its_form():
    """What `_form.html` prints comes from `form` alone (and its loops' names over it): drawn
    with the form alone in its context, it prints what the include printed in the page's."""
    template = get_template("_form.html").template
    names = set()
    for node in template.nodelist:
        for expression in _variables(node):
            lookups = getattr(expression.var, "lookups", None)
            if lookups:  # a variable, not a literal
                names.add(lookups[0])
    assert "form" in names
    assert names <= {"form", "field", "error", "choice"}, names


def _sql_of(queryset):
    with CaptureQueriesContext(connection) as queries:
        rows = list(queryset)
    return rows, [query["sql"] for query in queries]


@pytest.mark.parametrize("who", ["office_user", "park_manager", "subdistrict_user"])
def test_the_assign_forms_rows_are_read_by_their_querysets_sql(cases, request, park, who):  # noqa: F811 (cases: the fixture)
    """The units and people the assign form lists, by their queries compiled once per scope
    (selectors.assignable_*_listed): the rows and the SQL of the querysets, as they change."""
    user = request.getfixturevalue(who)
    for added in range(3):
        for listed, plain in (
            (selectors.assignable_units_listed, selectors._assignable_units),  # built anew
            (selectors.assignable_people_listed, selectors.assignable_people),
        ):
            with CaptureQueriesContext(connection) as queries:
                rows = listed(user)
            assert (rows, [query["sql"] for query in queries]) == _sql_of(plain(user))
            if listed is selectors.assignable_people_listed:
                assert [person.organisation for person in rows] == [
                    person.organisation for person in plain(user)
                ]
        unit = OrganisationFactory(name=f"新单位<{added}>", park=park if added else None)
        UserFactory(username=f"new{added}", organisation=unit, role=Role.MEMBER_UNIT)
    office = selectors.assignable_units_listed(request.getfixturevalue("office_user"))
    assert "新单位<0>" in {unit.name for unit in office}


def test_a_unit_or_person_added_is_drawn_in_the_assign_form(cases, office_user):  # noqa: F811 (cases: the fixture)
    before = drawn_forms.drawn(AssignForm(action=Action.ASSIGN, user=office_user))
    unit = OrganisationFactory(name="新<单位>")
    UserFactory(
        username="assign-newcomer", display_name="钱<新>", organisation=unit, role=Role.MEMBER_UNIT
    )
    with CaptureQueriesContext(connection) as queries:
        form = AssignForm(action=Action.ASSIGN, user=office_user)
        after = drawn_forms.drawn(form)
    assert len(queries) == 2  # the people, then the units: as before they were planned
    assert "新&lt;单位&gt;" in after and "钱&lt;新&gt;" in after and "钱" not in before
    assert after == _included(AssignForm(action=Action.ASSIGN, user=office_user))


@pytest.mark.parametrize("who", ["office_user", "park_manager", "subdistrict_user"])
def test_the_units_queryset_is_the_one_built_anew(cases, request, who):  # noqa: F811 (cases: the fixture)
    """assignable_units copies the queryset built once per scope: the SQL of building it."""
    user = request.getfixturevalue(who)
    fresh = selectors._assignable_units(user)
    kept = selectors.assignable_units(user)
    assert kept is not selectors.assignable_units(user)
    assert _sql_of(kept) == _sql_of(fresh)
    field = AssignForm(action=Action.ASSIGN, user=user).fields["unit"].queryset
    assert _sql_of(field) == _sql_of(selectors._assignable_units(user))


def test_the_standard_replies_are_read_by_their_querysets_sql(cases):  # noqa: F811 (cases: the fixture)
    """The reply form's standard replies by templates_for's query compiled once (the category
    its value): its rows and SQL, for each category, as replies are added and retired."""
    for step in range(3):
        for category in (Category.WAGES, Category.SAFETY):
            with CaptureQueriesContext(connection) as queries:
                rows = replies.templates_listed(category)
            assert (rows, [query["sql"] for query in queries]) == _sql_of(templates_for(category))
        if step == 0:
            ReplyTemplate.objects.create(category=Category.SAFETY, title="安<全>", text="注意")
        else:
            ReplyTemplate.objects.filter(category=Category.WAGES).update(is_active=False)
    assert not replies.templates_listed(Category.WAGES)
    assert [row.title for row in replies.templates_listed(Category.SAFETY)] == ["安<全>"]
