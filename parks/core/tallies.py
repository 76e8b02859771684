"""Exact counts that do not grow with the table: per-park tallies and rollups kept by PostgreSQL.

A list's page shows how many rows there are ("共 N 条", the API's `count`). `COUNT(*)` over a
million grid-log entries reads every one of them on every page; a tally reads one row per park.

A `Rollup` is a summary table (`target`) holding, per group of `keys`, how many rows of a
`source` table fall in it and the sums of some of their columns. PostgreSQL keeps it exact with
statement-level triggers over transition tables: each INSERT, UPDATE, DELETE (one row or a
million from INSERT … SELECT) adds its rows' grouped changes in one upsert (`n = n + excluded.n`),
and a TRUNCATE of the source empties the rollup's part too. An UPDATE that moves no row to
another group and changes no summed column writes nothing, so ordinary edits take no lock on a
busy park's tally. Groups are upserted in key order, so two bulk writes lock them in the same
order and never deadlock. A group whose rows are all gone keeps a row with n = 0. Every name
in the SQL comes from the code (a Rollup's fields), never from a request.

`Tally` is the generic rollup of every tallied table by park (`TALLIED`: table -> the column
summed into `total`, or None). A migration creates each table's triggers (`tally_operations`,
`rollup_operations`), on PostgreSQL only, and counts the rows already there. On SQLite (the demo)
there are no triggers and every reader falls back to the plain query: the same numbers.

`tallied_totals(queryset)` answers from the tally when the queryset is narrowed by park alone
(nothing, `park_id = …` or `park_id IN …`: how parks.access narrows a scope) and None otherwise.
An app may register a finer rollup of a table for the counts (`count_from`): `count` and
`counts_by` then answer from it whenever the queryset's conditions name only the rollup's keys
(`=`, `IN`, `IS NULL`, joined by AND and OR; a unit's staff see `park_id = 3 OR
handling_unit_id = 7`): each group holds rows that agree on every key, so a condition on the
keys is true for all of a group's rows or for none, and summing the groups it holds for is
COUNT(*). Any other filter counts its (smaller) filtered rows. `TalliedPaginator` is Django's
paginator counting that way; the pages' `paginate` and the API's PortalPagination use it.
"""

from dataclasses import dataclass, field
from functools import reduce

from django.core.paginator import Paginator
from django.db import connections, migrations, models
from django.db.models import Count, ForeignObjectRel, Q, Sum
from django.db.models.lookups import Exact, In, IsNull
from django.db.models.sql import Query
from django.db.models.sql.datastructures import Join
from django.db.models.sql.where import AND, OR, WhereNode
from django.utils.functional import cached_property

from parks.core.prepared import prepared_aggregate
from parks.core.replayed import KeptStatements

# Tallied tables (db_table) and the column summed into a tally's `total` (None: nothing).
TALLIED: dict[str, str | None] = {
    "parks_activity": "participants",
    "grievances_grievance": None,
    "reforms_task": None,
}


class Tally(models.Model):
    """How many rows of a tallied table belong to each park (kept by triggers on PostgreSQL)."""

    source = models.CharField(max_length=63)
    # Empty for the table's rows without a park (district-wide tasks).
    park_id = models.BigIntegerField(null=True)
    n = models.BigIntegerField(db_default=0)
    # The sum of the table's TALLIED column; 0 when it names none (the triggers leave it out).
    total = models.BigIntegerField(db_default=0)

    class Meta:
        constraints = [
            # The triggers' upsert target; one row per park (and one for "no park").
            models.UniqueConstraint(
                fields=["source", "park_id"], name="tally_source_park", nulls_distinct=False
            )
        ]

    def __str__(self):
        return f"{self.source} park {self.park_id}: {self.n}"


# --- Keeping rollups: the triggers ---------------------------------------------------------


@dataclass(frozen=True)
class Rollup:
    """A summary of `source` in `target`: per group of `keys` (target column -> SQL expression
    over a source row written with `{row}.column`), the number of rows in `count` and the sums
    of `sums` (target column -> source column, or an SQL expression over a source row written
    with `{row}` as the keys are: `CASE WHEN {row}.number = 1 THEN 1 ELSE 0 END` counts the rows
    meeting a condition). `where` narrows the target rows this rollup owns (a TRUNCATE of the
    source deletes those)."""

    name: str
    source: str
    target: str
    keys: dict[str, str]
    count: str = "n"
    sums: dict[str, str] = field(default_factory=dict)
    where: str = "TRUE"

    def _summed(self) -> dict[str, str]:
        """Each summed target column -> its SQL expression over a source row (`{row}`)."""
        return {
            col: f"({summed})" if "{row}" in summed else f"{{row}}.{summed}"
            for col, summed in self.sums.items()
        }

    def _select(self, row: str, sign: str) -> str:
        keys = [f"{expr.format(row=row)} AS {col}" for col, expr in self.keys.items()]
        values = [f"{sign}1 AS {self.count}"] + [
            f"{sign}{expr.format(row=row)} AS {col}" for col, expr in self._summed().items()
        ]
        return ", ".join(keys + values)

    def _upsert(self, changes: str) -> str:
        keys = ", ".join(self.keys)
        values = [self.count, *self.sums]
        totals = ", ".join(f"SUM({col})" for col in values)
        changed = " OR ".join(f"SUM({col}) <> 0" for col in values)
        update = ", ".join(f"{col} = {self.target}.{col} + excluded.{col}" for col in values)
        return (
            f"INSERT INTO {self.target} ({keys}, {', '.join(values)}) "  # noqa: S608
            f"SELECT {keys}, {totals} FROM ({changes}) AS changes "
            f"GROUP BY {keys} HAVING {changed} ORDER BY {keys} "
            f"ON CONFLICT ({keys}) DO UPDATE SET {update};"
        )

    def create_sql(self) -> str:
        # An UPDATE counts only the rows whose group or summed columns changed.
        compared = [*self.keys.values(), *self._summed().values()]
        before = ", ".join(expr.format(row="o") for expr in compared)
        after = ", ".join(expr.format(row="w") for expr in compared)
        moved = (
            f"old_rows o JOIN new_rows w ON o.id = w.id WHERE ({before}) IS DISTINCT FROM ({after})"
        )
        insert = self._upsert(f"SELECT {self._select('r', '')} FROM new_rows r")  # noqa: S608
        delete = self._upsert(f"SELECT {self._select('r', '-')} FROM old_rows r")  # noqa: S608
        update = self._upsert(
            f"SELECT {self._select('o', '-')} FROM {moved} "  # noqa: S608
            f"UNION ALL SELECT {self._select('w', '')} FROM {moved}"
        )
        function = f"{self.name}_keep"
        existing = self._upsert(f"SELECT {self._select('r', '')} FROM {self.source} r")  # noqa: S608
        return f"""
CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $body$
BEGIN
    IF TG_OP = 'INSERT' THEN
        {insert}
    ELSIF TG_OP = 'UPDATE' THEN
        {update}
    ELSIF TG_OP = 'DELETE' THEN
        {delete}
    ELSE
        DELETE FROM {self.target} WHERE {self.where};
    END IF;
    RETURN NULL;
END
$body$;
CREATE TRIGGER {self.name}_insert AFTER INSERT ON {self.source}
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION {function}();
CREATE TRIGGER {self.name}_update AFTER UPDATE ON {self.source}
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION {function}();
CREATE TRIGGER {self.name}_delete AFTER DELETE ON {self.source}
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION {function}();
CREATE TRIGGER {self.name}_truncate AFTER TRUNCATE ON {self.source}
    FOR EACH STATEMENT EXECUTE FUNCTION {function}();
-- The rows already there.
DELETE FROM {self.target} WHERE {self.where};
{existing}
"""  # noqa: S608

    def drop_sql(self) -> str:
        triggers = "".join(
            f"DROP TRIGGER IF EXISTS {self.name}_{op} ON {self.source};"
            for op in ("insert", "update", "delete", "truncate")
        )
        drop = f"DROP FUNCTION IF EXISTS {self.name}_keep();"
        return f"{triggers} {drop} DELETE FROM {self.target} WHERE {self.where};"  # noqa: S608


def tally_rollup(table: str) -> Rollup:
    total = TALLIED[table]
    return Rollup(
        name=f"tally_{table}",
        source=table,
        target="parks_tally",
        keys={"source": f"'{table}'::varchar", "park_id": "{row}.park_id"},
        sums={"total": total} if total else {},
        where=f"source = '{table}'",
    )


def _postgresql_only(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            # Without parameters: several statements in one string, and % taken literally.
            with schema_editor.connection.cursor() as cursor:
                cursor.execute(sql)

    return run


def rollup_operations(rollup: Rollup) -> list:
    """A migration's operations creating `rollup`'s triggers and counting the rows already
    there (PostgreSQL only; elsewhere nothing)."""
    return [
        migrations.RunPython(
            _postgresql_only(rollup.create_sql()), _postgresql_only(rollup.drop_sql())
        )
    ]


def tally_operations(table: str) -> list:
    return rollup_operations(tally_rollup(table))


# --- Reading tallies ------------------------------------------------------------------------


def rollups_kept(using: str = "default") -> bool:
    """Whether the database keeps rollups (PostgreSQL; SQLite has no triggers)."""
    return connections[using].vendor == "postgresql"


def _plain_keys(rollup: Rollup) -> set[str]:
    """The rollup's keys that are a source column of the same name (`{row}.park_id`)."""
    return {column for column, expr in rollup.keys.items() if expr == f"{{row}}.{column}"}


def _one_row_per_row(query: Query) -> bool:
    """Whether the query yields each row of its table once, as COUNT(*) over the table would:
    not sliced, grouped, combined or aggregated, and joined only along foreign keys (a join to
    the rows pointing back, e.g. attachments, repeats a row per match). DISTINCT then changes
    nothing, as long as it is over whole rows (their ids differ)."""
    if (
        query.combinator
        or query.is_sliced
        or query.group_by is not None
        or query.distinct_fields
        or (query.distinct and query.values_select)
        or any(getattr(a, "contains_aggregate", False) for a in query.annotations.values())
    ):
        return False
    return not any(
        isinstance(join, Join) and isinstance(join.join_field, ForeignObjectRel)
        for join in query.alias_map.values()
    )


def _literal(value) -> bool:
    return isinstance(value, int | str) and not isinstance(value, bool)


def _leaf_condition(lookup, table: str, keys: set[str]) -> Q | None:
    if not isinstance(lookup, Exact | In | IsNull):
        return None
    column = getattr(getattr(lookup.lhs, "target", None), "column", None)
    if getattr(lookup.lhs, "alias", None) != table or column not in keys:
        return None
    value = lookup.rhs
    if isinstance(lookup, IsNull):
        known = isinstance(value, bool)
    elif isinstance(lookup, In):
        # Values, or a subquery (a subdistrict's parks); never a column of another row.
        known = isinstance(value, Query) or (
            isinstance(value, list | tuple | set | frozenset) and all(map(_literal, value))
        )
    else:
        known = _literal(value)
    return Q(**{f"{column}__{lookup.lookup_name}": value}) if known else None


def _where_condition(node, table: str, keys: set[str]) -> Q | None:
    """The same condition over the rollup's key columns, or None when one of its parts is not a
    plain comparison of a key column with values (a negation, another column, an annotation)."""
    if not isinstance(node, WhereNode):
        return _leaf_condition(node, table, keys)
    if node.negated or node.connector not in (AND, OR) or not node.children:
        return None
    parts = [_where_condition(child, table, keys) for child in node.children]
    if any(part is None for part in parts):
        return None
    return reduce(lambda a, b: a & b if node.connector == AND else a | b, parts)


def _key_condition(queryset, keys: set[str]) -> Q | None:
    """`queryset`'s conditions as a condition on a rollup whose `keys` are columns of the
    queryset's table (Q() for the whole table), or None when they are not conditions on those
    columns alone or the queryset is not one row per row of its table."""
    query = queryset.query
    if not _one_row_per_row(query):
        return None
    if not query.where.children:
        return Q()
    return _where_condition(query.where, queryset.model._meta.db_table, keys)


# The statement of the totals below as the ORM ran them, per table and condition, run again
# as it is (parks.core.replayed): building and compiling the aggregate cost a list page ten
# times what running it does. The key holds every input of that statement (the tally's table
# and columns are the code's; the condition carries its values), so a statement is replayed
# only for the very same question: correct by construction. Kept only for conditions of plain
# values (not a subdistrict's parks subquery), at most a thousand (one per park or park set).
_TOTALS_SQL = KeptStatements(most=1000)


def tallied_totals(queryset) -> dict | None:
    """{"n": rows, "total": sum of the tallied column} of `queryset` from the tally, or None
    when the tally cannot tell (another filter, another table, SQLite)."""
    table = queryset.model._meta.db_table
    if table not in TALLIED or not rollups_kept(queryset.db):
        return None
    condition = _key_condition(queryset, {"park_id"})
    if condition is None:
        return None

    def ask():
        return (
            Tally.objects.using(queryset.db)
            .filter(condition, source=table)
            .aggregate(n=Sum("n", default=0), total=Sum("total", default=0))
        )

    def read(cursor):
        names = [column.name for column in cursor.description]
        return dict(zip(names, cursor.fetchone(), strict=True))

    key = (table, condition) if _plain_values(condition) else None
    totals = _TOTALS_SQL.answer(key, ask, read, using=queryset.db)
    return {"n": int(totals["n"]), "total": int(totals["total"])}


def _plain_values(condition: Q) -> bool:
    """Whether every value the condition compares with is a plain int or str (or a list of
    them, or a bool for IS NULL): what makes it a key that stands for its statement."""
    for child in condition.children:
        if isinstance(child, Q):
            if not _plain_values(child):
                return False
            continue
        _lookup, value = child
        if isinstance(value, list | tuple):
            if not all(map(_literal, value)):
                return False
        elif not (_literal(value) or isinstance(value, bool)):
            return False
    return True


# Finer rollups the counts read, per source table (`count_from`): (the rollup, its model).
COUNTED: dict[str, list[tuple[Rollup, type[models.Model]]]] = {}


def count_from(rollup: Rollup, model: type[models.Model]) -> None:
    """Let `count` and `counts_by` read `rollup` (whose table is `model`'s) for its source's
    querysets narrowed by its plain keys. Its count column is `n`; its where must be TRUE."""
    entries = COUNTED.setdefault(rollup.source, [])
    if all(known is not rollup for known, _model in entries):
        entries.append((rollup, model))


def _rollup_groups(queryset, by: str | None = None):
    """The rows of a registered rollup whose counts add up to `queryset`'s (with `by` among
    its keys), and the condition that picks them; None when none can tell."""
    if not rollups_kept(queryset.db):
        return None
    for rollup, model in COUNTED.get(queryset.model._meta.db_table, ()):
        keys = _plain_keys(rollup)
        if by is not None and by not in keys:
            continue
        condition = _key_condition(queryset, keys)
        if condition is not None:
            return model._default_manager.using(queryset.db).filter(condition), condition
    return None


# A rollup's count or counts by a key as the ORM ran them (parks.core.replayed), per rollup
# table, what is asked and condition: the same reasoning as _TOTALS_SQL above. The rows come
# back as the database sends them; the callers turn each count into an int as they do the
# ORM's (SUM of a bigint is a numeric), and the keys are plain columns (an id, a status) read
# the same either way.
_GROUPS_SQL = KeptStatements(most=1000)


def _groups_read(groups, condition: Q, asked, read):
    """`read(groups)` — through the ORM the first time for this question, afterwards the SQL
    it ran; `read` returns a list of rows."""
    key = (groups.model._meta.db_table, asked, condition) if _plain_values(condition) else None
    return _GROUPS_SQL.answer(
        key, lambda: read(groups), lambda cursor: cursor.fetchall(), using=groups.db
    )


def _summed(groups) -> list[tuple]:
    return [(groups.aggregate(n=Sum("n", default=0))["n"],)]


def count(queryset, *, plan_key=None, build=None, values=()) -> int:
    """`queryset.count()`, read from the tally or a registered rollup when one can tell.
    `plan_key`: the rows are counted by a query built and compiled once per key
    (parks.core.prepared.prepared_aggregate, the same SQL as `count()`) from `build(*values)`
    — a queryset whose SQL is `queryset`'s with these values; `queryset` itself when no
    `build` is given: the key must then hold everything the queryset's SQL depends on."""
    totals = tallied_totals(queryset)
    if totals is not None:
        return totals["n"]
    found = _rollup_groups(queryset)
    if found is not None:
        ((n,),) = _groups_read(*found, "count", _summed)
        return int(n)
    if plan_key is not None and queryset._result_cache is None:
        rows = build or (lambda: queryset)
        # QuerySet.count's own aggregate (Query.get_count).
        counted = prepared_aggregate(
            ("count", plan_key),
            lambda *values: (rows(*values), {"__count": Count("*")}),
            *values,
            using=queryset.db,
        )
        return counted["__count"]
    return queryset.count()


def counts_by(queryset, column: str) -> dict:
    """{value of `column`: rows of `queryset`} for the values it has rows of, in one query:
    from a registered rollup keyed by `column` when it can tell, else by GROUP BY."""
    found = _rollup_groups(queryset, by=column)
    if found is not None:

        def by_column(groups):
            summed = groups.order_by().values_list(column).annotate(rows=Sum("n"))
            return list(summed.values_list(column, "rows"))

        rows = _groups_read(*found, ("by", column), by_column)
    else:
        counted = queryset.order_by().values_list(column).annotate(rows=Count("*"))
        rows = list(counted.values_list(column, "rows"))
    return {value: int(n) for value, n in rows if n}


class TalliedPaginator(Paginator):
    """Django's paginator, counting from the tally when the rows are a scope's alone; or told
    its count (`count=`), when the page has read how many rows it lists already (the inbox's
    tabs, the feed's totals), so it asks nothing more."""

    def __init__(self, object_list, per_page, *args, count: int | None = None, **kwargs):
        super().__init__(object_list, per_page, *args, **kwargs)
        self._told_count = count

    @cached_property
    def count(self):
        if self._told_count is not None:
            return self._told_count
        if isinstance(self.object_list, models.QuerySet):
            return count(self.object_list)
        return super().count
