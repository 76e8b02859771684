"""grievances.duplicates.TitleKey sends the database the statement that Lower(Trim(title))
wrapped in a Replace per ignored character sends (kept here as it was), so a likely duplicate
is found exactly as before, for a column, a typed title and an outer query's title; with the
ignored characters written into its text: fewer parameters than psycopg's cache of parsed
queries takes (50), for the inbox's counts too."""

import pytest
from django.db import connection
from django.db.models import F, OuterRef, Subquery, Value
from django.db.models.functions import Lower, Replace, Trim

from grievances.duplicates import IGNORED_CHARACTERS, TitleKey, _counted
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


def sent(queryset):
    """The statement the database receives for `queryset` (psycopg binds on the client)."""
    return connection.ops.compose_sql(*compiled(queryset))


def outer_query(key):
    inner = Grievance.objects.annotate(k=key(F("title"))).filter(k=key(OuterRef("title")))
    return Grievance.objects.annotate(same=Subquery(inner.values("pk")[:1]))


@pytest.mark.parametrize(
    "source", [lambda: F("title"), lambda: Value("车间空调坏了三天！"), lambda: F("park__name")]
)
def test_the_key_sends_the_nested_expressions_statement(source):
    rows = Grievance.objects.all()
    assert sent(rows.annotate(key=TitleKey(source()))) == sent(rows.annotate(key=nested(source())))
    assert sent(rows.filter(title=TitleKey(source()))) == sent(rows.filter(title=nested(source())))
    _sql, params = compiled(rows.annotate(key=TitleKey(source())))
    _sql, nested_params = compiled(rows.annotate(key=nested(source())))
    assert len(params) == len(nested_params) - 2 * len(IGNORED_CHARACTERS)


def test_the_key_of_an_outer_querys_title_sends_the_same_statement():
    assert sent(outer_query(TitleKey)) == sent(outer_query(nested))


def test_the_key_sets_aside_the_same_characters():
    grievance = GrievanceFactory(title="  车间空调 坏了，三天！AC ")
    key = Grievance.objects.annotate(key=TitleKey(F("title"))).get(pk=grievance.pk).key
    assert key == "车间空调坏了三天ac"


def test_a_page_of_duplicate_counts_is_a_query_psycopg_parses_once():
    """psycopg keeps a query's parsed text only for 50 parameters or fewer
    (psycopg._queries.MAX_CACHED_STATEMENT_PARAMS): a page of 25 rows' counts fits."""
    from psycopg import _queries

    _sql, params = compiled(_counted(Grievance.objects.all(), *range(1, 26)))
    assert len(params) <= _queries.MAX_CACHED_STATEMENT_PARAMS == 50
