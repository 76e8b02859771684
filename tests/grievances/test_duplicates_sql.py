"""grievances.duplicates.TitleKey writes the SQL that Lower(Trim(title)) wrapped in a Replace per
ignored character compiled to (kept here as it was), so a likely duplicate is found exactly as
before: same text, same parameters, for a column, a typed title and an outer query's title."""

import pytest
from django.db import connection
from django.db.models import F, OuterRef, Subquery, Value
from django.db.models.functions import Lower, Replace, Trim

from grievances.duplicates import IGNORED_CHARACTERS, TitleKey
from grievances.models import Grievance
from tests.factories import GrievanceFactory

pytestmark = pytest.mark.django_db


def nested(expression):
    """The title key as it was built: 23 nested expressions."""
    expression = Lower(Trim(expression))
    for character in IGNORED_CHARACTERS:
        expression = Replace(expression, Value(character), Value(""))
    return expression


def compiled(queryset):
    return queryset.query.get_compiler(connection=connection).as_sql()


@pytest.mark.parametrize(
    "source", [lambda: F("title"), lambda: Value("车间空调坏了三天！"), lambda: F("park__name")]
)
def test_the_key_is_the_nested_expressions_sql(source):
    rows = Grievance.objects.all()
    assert compiled(rows.annotate(key=TitleKey(source()))) == compiled(
        rows.annotate(key=nested(source()))
    )
    assert compiled(rows.filter(title=TitleKey(source()))) == compiled(
        rows.filter(title=nested(source()))
    )


def test_the_key_of_an_outer_querys_title_is_the_same_sql():
    def outer(key):
        inner = Grievance.objects.annotate(k=key(F("title"))).filter(k=key(OuterRef("title")))
        return Grievance.objects.annotate(same=Subquery(inner.values("pk")[:1]))

    assert compiled(outer(TitleKey)) == compiled(outer(nested))


def test_the_key_sets_aside_case_spaces_and_punctuation():
    grievance = GrievanceFactory(title="  车间空调 坏了，三天！AC ")
    key = Grievance.objects.annotate(key=TitleKey(F("title"))).get(pk=grievance.pk).key
    assert key == "车间空调坏了三天ac"
