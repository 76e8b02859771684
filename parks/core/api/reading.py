"""Serializers that read fast: the API's big lists (50 rows of 20–40 fields) and busy details.

DRF spends most of a list's Python time on machinery around each value rather than on the
value: a ModelSerializer works its fields out of the model afresh for every response and
deep-copies each of them (re-running every field's __init__), and for every field of every row
`Field.get_attribute` tests whether the object is a Mapping (an ABC check), whether the value
is a simple callable (signature inspection), and wraps it all in try/except.

`ReadFastSerializer` keeps DRF's fields and their `to_representation`, so the output is the
serializer's own, field for field (tests pin it against DRF's path): it builds the fields once
per class, copies them cheaply for each response, and reads each row's values through a plan
made once per response:

- a plain attribute (`title`, `park.name`): `getattr` along the source;
- a foreign key shown as its id (PrimaryKeyRelatedField): the row's `<field>_id`, as DRF's
  pk-only optimisation reads it;
- a method field or any other source `*`: the row itself.

The steps of the fields that read nothing of the serializer they are bound to (a plain
attribute or id written by a DRF field of a known type, or a portal field declaring
`context_free`) are made once per class, language and time zone and shared by its responses
(`_shared_plan`): binding 40 fields and making their steps was most of a detail's serializing.
Method fields, nested serializers and any other field are copied and bound per response, as
DRF does, and so is every field of a serializer whose fields were made before its plan or that
is partial.

None half-way along a dotted source answers what DRF's path answers then, the field's plain
default or null (`_when_missing`). Anything else (nested serializers, many-to-many ids, a value
that is missing, a callable, a callable default) goes through the field's own `get_attribute`.

Each value is then written by its field's `to_representation`, except where the plan knows a
shorter way to the very same result (`_representer`): a DRF field of a plain type whose method
is DRF's own, given the value's exact type (a str to a CharField, a bool to a BooleanField, an
aware datetime to an ISO 8601 DateTimeField, a date to an ISO 8601 DateField); a method
field's method, bound once; a choice field's representation, remembered per response for each
str value (it depends on the value alone). Any other value goes through the field's own
method. A value that is the row's own column is read from the row's __dict__ where getattr
would read it there (`_plain_attribute`), and one its field writes unchanged is kept as it is.

A page of a list (`prefetched_as_lists`, PortalPagination) keeps what it prefetches for the
serializer's to-many fields (a grievance's attachments, a task's supporting units) as plain
lists beside each row instead of in a related manager's cache: the same query, the same rows
in the same order, but Django builds no manager and no filtered queryset per row, twice (once
to store the rows, once to read them back) — about a millisecond a page. The plan reads such
a field from its list where the row has one, and through the field's own path otherwise; a
nested serializer's copy is bound only for a response showing rows (parks.core.api.nested).

A page also reads, of each relation the serializer names in `Meta.read_related`, only the
columns it reads, as columns of the row's own query instead of as joined rows
(parks.core.api.columns, `read_as_columns_for`): the columns of its dotted sources
(`park.name`) and those the declaration adds (a person's name for `str(handler)`, read by
`related_str`, or by a CharField whose source is the relation). A relation read deeper than
one step (`park.subdistrict.name`) stays joined. A row without the columns is read through the
relation as before; the tests compare the query counts and bytes with DRF's path.
"""

import copy
import datetime
from collections.abc import Callable, Sequence
from functools import partial
from typing import Any, ClassVar

from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.db import models
from django.db.models import Model, Prefetch, QuerySet
from django.db.models.constants import LOOKUP_SEP
from django.db.models.query_utils import DeferredAttribute
from django.utils import timezone
from django.utils.translation import get_language
from rest_framework import ISO_8601, serializers
from rest_framework.fields import Field, SkipField, empty
from rest_framework.relations import (
    ManyRelatedField,
    PKOnlyObject,
    PrimaryKeyRelatedField,
    RelatedField,
)
from rest_framework.settings import api_settings

from parks.core.api.columns import (
    column_name,
    column_reader,
    property_reader,
    read_as_columns,
    str_reader,
)
from parks.core.api.nested import bound_on_use
from parks.core.api.shared_steps import shareable

# (field name, read(row) -> value, represent(value) -> JSON value or None to keep the value,
#  column, unchanged): `column` names the row's own attribute the value is, which reads as the
# row's __dict__ holds it (_plain_attribute), or is None; `unchanged` is the exact type whose
# values `represent` answers as they are (a str for a CharField; an int for a foreign key's
# id, which has no `represent`), or None.
Step = tuple[str, Callable[[Any], Any], Callable[[Any], Any] | None, str | None, type | None]
_ABSENT = object()


def _copy(field: Field) -> Field:
    """A fresh, unbound copy of a built field. Fields holding other fields (nested serializers,
    lists, many-to-many relations) bind their children to themselves, so they are copied
    whole, as DRF does; a plain field only needs its own attributes: binding sets its name,
    parent and source on the copy."""
    if isinstance(field, serializers.BaseSerializer | ManyRelatedField) or hasattr(field, "child"):
        return copy.deepcopy(field)
    return copy.copy(field)


def _when_missing(field: Field) -> Callable[[Any], Any]:
    """What the field's own get_attribute answers when its dotted source meets None half-way
    (an AttributeError to DRF): its plain default, None if it allows null; anything else (a
    callable default, a partial serializer, no default) is left to the field itself."""
    default = field.default
    if default is empty:
        return (lambda row: None) if field.allow_null else field.get_attribute
    if callable(default) or getattr(field.root, "partial", False):
        return field.get_attribute
    return lambda row: default


def _attribute_reader(field: Field, attrs: list[str]) -> Callable[[Any], Any]:
    fallback = field.get_attribute
    missing = _when_missing(field)

    if len(attrs) == 1:
        (name,) = attrs

        def read_one(row: Any) -> Any:
            try:
                value = getattr(row, name)
            except (AttributeError, ObjectDoesNotExist):
                return fallback(row)  # the field's own path decides what that means
            return fallback(row) if callable(value) else value

        return read_one

    def read_path(row: Any) -> Any:
        value = row
        try:
            for name in attrs:
                if value is None:
                    return missing(row)
                if callable(value):
                    return fallback(row)
                value = getattr(value, name)
        except (AttributeError, ObjectDoesNotExist):
            return fallback(row)
        return fallback(row) if callable(value) else value

    return read_path


def _is_simple_source(attrs: list[str]) -> bool:
    return bool(attrs) and all(attr.isidentifier() for attr in attrs)


def _own(field: Field, base: type[Field], *methods: str) -> bool:
    """Whether `field` writes its values with `base`'s very methods (it may be a subclass that
    overrides others, such as `bind`)."""
    return all(getattr(type(field), method) is getattr(base, method) for method in methods)


# The DRF fields whose own to_representation answers a value of this exact type as it is.
_KEPT_AS_IS = (
    (serializers.CharField, str),
    (serializers.BooleanField, bool),
    (serializers.IntegerField, int),
)


def _representer(field: Field) -> Callable[[Any], Any]:
    """`field.to_representation`, or a function answering exactly what it answers, faster for
    the values a list mostly holds (module docstring). Made within the request, once per
    response or once per language and time zone (_shared_plan): a DateTimeField's time zone is
    the one DRF's would look up for each value."""
    represent = field.to_representation
    if isinstance(field, serializers.SerializerMethodField) and _own(
        field, serializers.SerializerMethodField, "to_representation"
    ):
        return getattr(field.parent, field.method_name)
    if isinstance(field, serializers.ChoiceField) and not isinstance(
        field, serializers.MultipleChoiceField
    ):
        return _remembered(represent)
    kept = _unchanged(field)
    if kept is not None:
        return lambda value: value if type(value) is kept else represent(value)
    if _own(field, serializers.DateTimeField, "to_representation", "enforce_timezone"):
        return _datetime_representer(field, represent)
    if _own(field, serializers.DateField, "to_representation"):
        output_format = getattr(field, "format", api_settings.DATE_FORMAT)
        if output_format is not None and output_format.lower() == ISO_8601:
            # DRF's path for a date (always true, never a str or a datetime): ISO 8601.
            return lambda value: (
                value.isoformat() if type(value) is datetime.date else represent(value)
            )
    return represent


# A field's to_representation by the plan's shorter way: a method's field made once per response.
represented_by = _representer


def _unchanged(field: Field) -> type | None:
    """The exact type of the values `_representer(field)` answers as they are: the types its
    shorter paths for a DRF CharField, BooleanField and IntegerField keep (`str(value)`,
    `bool`'s own values, `int(value)` of an int)."""
    if isinstance(field, serializers.SerializerMethodField | serializers.ChoiceField):
        return None
    for base, kind in _KEPT_AS_IS:
        if _own(field, base, "to_representation"):
            return kind
    return None


def _plain_attribute(model: Any, name: str) -> bool:
    """Whether, for a row of exactly `model`, `getattr(row, name)` answers `row.__dict__[name]`
    wherever the row's __dict__ holds it: the model has no class attribute of that name (an
    annotation), or has the model field's own (DeferredAttribute's `__get__` reads the row's
    __dict__ under the field's attname)."""
    if model is None:
        return False
    for klass in model.__mro__:
        if name in klass.__dict__:
            attribute = klass.__dict__[name]
            return (
                type(attribute).__get__ is DeferredAttribute.__get__
                and attribute.field.attname == name
            )
    return True


REMEMBERED = 256


def _remembered(represent: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """A choice's representation depends on its value alone (and on the field, made for this
    response or shared by a class's responses in one language and time zone): remember it per
    str value. Only str: 1, 1.0 and True are equal keys. A shared step lives as long as the
    process: at most REMEMBERED values are kept (a column holding values beyond its choices)."""
    known: dict[str, Any] = {}

    def remembered(value: Any) -> Any:
        if type(value) is not str:
            return represent(value)
        try:
            return known[value]
        except KeyError:
            shown = represent(value)
            if len(known) < REMEMBERED:
                known[value] = shown
            return shown

    return remembered


def _datetime_representer(field: Field, represent: Callable[[Any], Any]) -> Callable[[Any], Any]:
    output_format = getattr(field, "format", api_settings.DATETIME_FORMAT)
    zone = field.timezone if hasattr(field, "timezone") else field.default_timezone()
    if output_format is None or output_format.lower() != ISO_8601 or zone is None:
        return represent

    def iso(value: Any) -> Any:
        # DRF's path for an aware datetime: into the field's zone, ISO 8601, UTC as "Z". A
        # fixed offset (what the database's rows hold: datetime.UTC) is aware without asking.
        if type(value) is not datetime.datetime or (
            type(value.tzinfo) is not datetime.timezone and value.utcoffset() is None
        ):
            return represent(value)
        text = value.astimezone(zone).isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text

    return iso


def _step(serializer: serializers.Serializer, field: Field) -> Step:
    name, attrs = field.field_name, field.source_attrs
    model = getattr(getattr(serializer, "Meta", None), "model", None)
    if field.source == "*":
        return name, _itself, _representer(field), None, None
    if (
        isinstance(field, PrimaryKeyRelatedField)
        and field.pk_field is None
        and field.use_pk_only_optimization()
        and len(attrs) == 1
        and model is not None
    ):
        try:
            model_field = model._meta.get_field(attrs[0])
        except FieldDoesNotExist:
            model_field = None
        if isinstance(model_field, models.ForeignKey):
            attname = model_field.attname
            column = attname if _plain_attribute(model, attname) else None
            # Kept as it is (no representation): an int, never callable.
            return name, lambda row: getattr(row, attname), None, column, int
    if _is_many(field) and len(attrs) == 1 and _is_simple_source(attrs):
        return name, _many_reader(field, attrs[0]), _representer(field), None, None
    if (
        not isinstance(field, serializers.BaseSerializer | ManyRelatedField)
        and not hasattr(field, "child")
        and type(field).get_attribute is Field.get_attribute
        and _is_simple_source(attrs)
    ):
        read, represent = _attribute_reader(field, attrs), _representer(field)
        step = _relation_step(serializer, field, model, read, represent)
        if step is not None:
            return step
        if len(attrs) == 1 and _plain_attribute(model, attrs[0]):
            return name, read, represent, attrs[0], _unchanged(field)
        return name, read, represent, None, None
    if isinstance(field, RelatedField):
        return name, field.get_attribute, _pk_aware(_representer(field)), None, None
    return name, field.get_attribute, _representer(field), None, None


def _relation_step(
    serializer: Any, field: Field, model: Any, read: Callable[[Any], Any], represent: Any
) -> Step | None:
    """The step of a plain field reading a relation a page reads as columns
    (parks.core.api.columns), or of a property of the row declared to read only those
    (`Meta.read_on_columns`); None for any other field."""
    related_reads = getattr(type(serializer), "related_reads", None)
    reads = related_reads() if related_reads is not None else {}
    name, attrs = field.field_name, field.source_attrs
    columns = reads.get(attrs[0])
    if columns and len(attrs) == 2 and attrs[1] in columns:
        found = column_reader(model, attrs[0], attrs[1], read, _when_missing(field))
        if found is not None:
            read, may_be_empty = found
            # The column as the row holds it (to_representation's shortcut) only where an
            # empty relation's null column is what the field answers then: null.
            if may_be_empty and not _missing_is_null(field):
                return name, read, represent, None, None
            return name, read, represent, column_name(*attrs), _unchanged(field)
    if columns and len(attrs) == 1 and _own(field, serializers.CharField, "to_representation"):
        # str() of the relation, null where it is empty (DRF's CharField of a row or None).
        return name, str_reader(model, attrs[0], columns), represent, None, None
    if len(attrs) == 1 and attrs[0] in getattr(serializer.Meta, "read_on_columns", ()):
        rule = property_reader(model, attrs[0], reads, field.get_attribute)
        return name, rule, represent, None, None
    return None


def _missing_is_null(field: Field) -> bool:
    """Whether the field answers null where its dotted source meets None (_when_missing)."""
    return not getattr(field.root, "partial", False) and (
        field.default is None or (field.default is empty and field.allow_null)
    )


def _pk_aware(represent: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """A related field's own path may read the id alone (a PKOnlyObject): a missing id is null,
    as DRF writes it."""

    def pk_aware(value: Any) -> Any:
        if isinstance(value, PKOnlyObject) and value.pk is None:
            return None
        return represent(value)

    return pk_aware


# Where a page keeps the rows prefetched for a to-many field `name`: `PREFETCHED + name`.
PREFETCHED = "_read_fast_"


def _is_many(field: Field) -> bool:
    return isinstance(field, serializers.ListSerializer | ManyRelatedField)


def _many_reader(field: Field, name: str) -> Callable[[Any], Any]:
    fallback, key = field.get_attribute, PREFETCHED + name

    def read_many(row: Any) -> Any:
        prefetched = row.__dict__.get(key)
        return fallback(row) if prefetched is None else prefetched

    return read_many


def _reads_fast(serializer_class: Any) -> bool:
    return (
        isinstance(serializer_class, type)
        and issubclass(serializer_class, ReadFastSerializer)
        and serializer_class.read_fast
    )


def prefetched_as_lists(queryset: QuerySet, serializer_class: type) -> QuerySet:
    """`queryset`, keeping what it prefetches for `serializer_class`'s to-many fields as lists
    the read plan takes (module docstring): only one-step lookups of a field's own source,
    with the same queryset; any other lookup stays as it is. The rows are what the serializer
    reads from the same query; only where they are kept differs."""
    if not queryset._prefetch_related_lookups:
        return queryset
    given = queryset._prefetch_related_lookups
    lookups = lookups_as_lists(given, serializer_class)
    if all(new is old for new, old in zip(lookups, given, strict=True)):
        return queryset
    return queryset.prefetch_related(None).prefetch_related(*lookups)


def lookups_as_lists(lookups: Sequence[Any], serializer_class: type) -> list[Any]:
    """`lookups` (of prefetch_related) as prefetched_as_lists changes them: for the rows of one
    object read outside a page (a detail)."""
    if not _reads_fast(serializer_class):
        return list(lookups)
    sources = serializer_class.many_sources()
    changed = []
    for lookup in lookups:
        through = lookup if isinstance(lookup, str) else lookup.prefetch_through
        plain = isinstance(lookup, str) or lookup.to_attr is None
        if plain and through in sources and LOOKUP_SEP not in through:
            inner = None if isinstance(lookup, str) else lookup.queryset
            lookup = Prefetch(through, queryset=inner, to_attr=PREFETCHED + through)
        changed.append(lookup)
    return changed


def read_as_columns_for(queryset: QuerySet, serializer_class: type) -> QuerySet:
    """`queryset` reading the relations `serializer_class` declares as columns of its own rows
    (module docstring; parks.core.api.columns); unchanged for DRF's own path."""
    if not _reads_fast(serializer_class):
        return queryset
    return read_as_columns(queryset, serializer_class.related_reads())


def _itself(row: Any) -> Any:
    return row


def _plain_method(field: Field, name: str) -> str | None:
    """The name of the serializer's method a SerializerMethodField of DRF's very class writes
    its value by (handed the row itself: source `*`), or None for any other field. Such a field
    bound to a serializer reads nothing but that method of it, so a response need not copy and
    bind it to find the method (_make_plan)."""
    if type(field) is not serializers.SerializerMethodField or field.source != "*":
        return None
    return field.method_name or f"get_{name}"


# A comment, not a docstring: a serializer's docstring is its description in the API schema, and
# a base's would become the description of every serializer without its own.
class ReadFastSerializer(serializers.ModelSerializer):
    # A ModelSerializer whose fields are built once per class and whose rows are read through a
    # plan made once per response (module docstring). Same fields, same output.

    # {language: fields}: DRF gives a model field a label only where its verbose name, in the
    # active language, differs from the field's name (the schema's `title`), so the fields are
    # built once per class and language.
    _built_fields: ClassVar[dict[str | None, dict[str, Field]]]
    # False: DRF's own path, field for field (the tests compare the two).
    read_fast: ClassVar[bool] = True

    def get_fields(self):
        if not self.read_fast:
            return super().get_fields()
        by_language = type(self).__dict__.get("_built_fields")
        if by_language is None:
            by_language = type(self)._built_fields = {}
        language = get_language()
        built = by_language.get(language)
        if built is None:
            built = by_language[language] = super().get_fields()
        return {name: _copy(field) for name, field in built.items()}

    @classmethod
    def many_sources(cls) -> frozenset[str]:
        """The one-step sources of the to-many fields (prefetched_as_lists): the same in every
        language, found once per class."""
        sources = cls.__dict__.get("_many_sources")
        if sources is None:
            sources = cls._many_sources = frozenset(
                field.source
                for field in cls().fields.values()
                if _is_many(field) and not field.write_only and len(field.source_attrs) == 1
            )
        return sources

    @classmethod
    def related_reads(cls) -> dict[str, frozenset[str]]:
        """{relation: columns}: what the serializer reads of each relation in
        `Meta.read_related` — its fields' dotted sources, and the columns declared there. A
        relation read deeper than one step (`park.subdistrict.name`) is left out: fetched whole."""
        reads = cls.__dict__.get("_related_reads")
        if reads is None:
            declared = getattr(getattr(cls, "Meta", None), "read_related", {})
            columns = {relation: set(extra) for relation, extra in declared.items()}
            deeper = set()
            for field in cls().fields.values():
                attrs = field.source_attrs if not field.write_only else []
                if len(attrs) == 2 and attrs[0] in columns:
                    columns[attrs[0]].add(attrs[1])
                elif len(attrs) > 2:
                    deeper.add(attrs[0])
            reads = cls._related_reads = {
                relation: frozenset(names)
                for relation, names in columns.items()
                if relation not in deeper
            }
        return reads

    def related_str(self, row: Any, relation: str) -> str | None:
        """`str(row.<relation>)`, None where it is empty: of the columns `Meta.read_related`
        declares, where the page read them as columns (parks.core.api.columns.str_reader)."""
        readers = type(self).__dict__.get("_str_readers")
        if readers is None:
            readers = type(self)._str_readers = {}
        reader = readers.get(relation)
        if reader is None:
            columns = type(self).related_reads().get(relation, frozenset())
            reader = readers[relation] = str_reader(self.Meta.model, relation, columns)
        return reader(row)

    def _read_plan(self) -> list[Step]:
        plan = self.__dict__.get("_plan")
        if plan is None:
            plan = self._plan = self._make_plan()
        return plan

    def _make_plan(self) -> list[Step]:
        """The steps of this response: the shared ones (`_shared_plan`) as they are, the others
        made of a fresh copy of the field bound to this serializer, as DRF binds it."""
        if "fields" in self.__dict__ or getattr(self.root, "partial", False):
            # This response's fields were made already (and may have been changed), or it is
            # partial (a missing value reads differently): DRF's binding, field for field.
            return [_step(self, field) for field in self._readable_fields]
        shared = self._shared_plan()
        built = type(self)._built_fields[get_language()]
        plan = []
        for name, step in shared:
            if step is None:
                method = _plain_method(built[name], name)
                if method is not None:
                    # What binding a copy would make of it (_step, _representer), uncopied.
                    step = (name, _itself, getattr(self, method), None, None)
                else:
                    bind = partial(self._bound_step, built[name], name)
                    step = bound_on_use(built[name], name, PREFETCHED + name, bind) or bind()
            plan.append(step)
        return plan

    def _bound_step(self, built: Field, name: str) -> Step:
        field = _copy(built)
        field.bind(field_name=name, parent=self)
        return _step(self, field)

    def _shared_plan(self) -> list[tuple[str, Step | None]]:
        """[(field name, its step, or None where each response makes its own)] in the order of
        the readable fields. Made once per class, language and time zone, of fields bound to a
        serializer of the class made for the purpose: a step is shared only where nothing it
        runs reads the serializer it is bound to (`shared_steps.shareable`), so what it answers
        depends on the value, the language and the time zone alone: the key (correct by
        construction)."""
        plans = type(self).__dict__.get("_shared_plans")
        if plans is None:
            plans = type(self)._shared_plans = {}
        key = (get_language(), timezone.get_current_timezone())
        shared = plans.get(key)
        if shared is None:
            template = type(self)()
            shared = plans[key] = [
                (field.field_name, _step(template, field) if shareable(field) else None)
                for field in template._readable_fields
            ]
        return shared

    def to_representation(self, instance):
        if not self.read_fast or not isinstance(instance, Model):
            return super().to_representation(instance)
        data = {}
        # A column is read from the row's __dict__ for a row of the very model the plan was
        # made for (_plain_attribute): what `read` answers then, without its calls; anything
        # else goes through `read`. A value of the type its representation keeps is kept.
        row = instance.__dict__ if type(instance) is self.Meta.model else {}
        for name, read, represent, column, unchanged in self._read_plan():
            if column is not None:
                value = row.get(column, _ABSENT)
                if value is None or type(value) is unchanged:
                    data[name] = value  # neither is callable: what `read` answers, kept
                    continue
            elif read is _itself:
                # A method field or another of source `*`: the row itself, not a call answering it.
                value = instance
                if represent is not None:
                    data[name] = represent(value)
                    continue
            else:
                value = _ABSENT
            if value is _ABSENT or callable(value):
                try:
                    value = read(instance)
                except SkipField:
                    continue
            if value is None or represent is None or type(value) is unchanged:
                data[name] = value
            else:
                data[name] = represent(value)
        return data
