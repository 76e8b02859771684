"""A compiled aggregate's identity (what Django hashes and compares expressions by) is built
without inspect's binding (parks.core.compiled, CompiledAggregate.identity) and must be the very
tuple Django's Expression.identity gives: equal aggregates stay equal, different ones differ."""

from datetime import UTC, datetime

from django.db.models import Count, Expression, Q

from grievances import rates
from grievances.models import Grievance
from parks.core.compiled import CompiledAggregate, compiled_aggregates

NOW = datetime(2026, 6, 20, 9, 30, tzinfo=UTC)
LATER = datetime(2026, 7, 1, tzinfo=UTC)


def _django_identity(expression: Expression) -> tuple:
    return Expression.identity.func(expression)


def _aggregates(now: datetime, **options) -> dict[str, Expression]:
    return rates.rate_counts(now, **options)


def test_identity_is_djangos_for_every_figure():
    for options in ({}, {"counted_only": True}, {"rates": ("response_rate",)}):
        for name, aggregate in _aggregates(NOW, **options).items():
            assert isinstance(aggregate, CompiledAggregate), name
            assert aggregate.identity == _django_identity(aggregate), name
            assert hash(aggregate) == hash(_django_identity(aggregate))


def test_resolved_copies_keep_the_identity():
    aggregate = _aggregates(NOW)["received"]
    query = Grievance.objects.all().query.chain()
    resolved = aggregate.resolve_expression(query, summarize=True)
    assert resolved.identity == _django_identity(resolved) == aggregate.identity
    assert resolved == aggregate


def test_equal_and_different_as_djangos():
    build = _compiled_build()
    first = compiled_aggregates(Grievance, build, [NOW], key="identity-test")["n"]
    same = compiled_aggregates(Grievance, build, [NOW], key="identity-test")["n"]
    later = compiled_aggregates(Grievance, build, [LATER], key="identity-test")["n"]
    assert first == same and hash(first) == hash(same)
    assert first != later
    assert (first == later) == (_django_identity(first) == _django_identity(later))


def test_keyword_arguments_fall_back_to_djangos_binding():
    build = _compiled_build()
    made = compiled_aggregates(Grievance, build, [NOW], key="identity-test")["n"]
    by_keyword = CompiledAggregate(
        model=Grievance,
        build=build,
        name="n",
        values=[NOW],
        key="identity-test",
        output_field=made.output_field,
    )
    assert by_keyword.identity == _django_identity(by_keyword)
    assert by_keyword.identity == made.identity


def _compiled_build():
    def build(now):
        return {"n": Count("pk", filter=Q(received_at__lt=now))}

    return build
