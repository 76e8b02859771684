"""Which fields' read steps a plan may share across responses (parks.core.api.reading): those
whose methods the plan runs read the field's own attributes and the value alone, never the
serializer the field is bound to nor its context."""

from rest_framework import serializers
from rest_framework.fields import Field, empty
from rest_framework.relations import ManyRelatedField, PrimaryKeyRelatedField, RelatedField

# DRF's field classes whose methods that a read plan runs (bind, get_attribute,
# use_pk_only_optimization, to_representation) read the field's own attributes and the value
# alone, never the serializer the field is bound to nor its context. A class of the portal's
# says so of the methods it defines itself with `context_free = True` in its own body.
_CONTEXT_FREE_DRF = frozenset(
    {
        Field,
        serializers.CharField,
        serializers.BooleanField,
        serializers.IntegerField,
        serializers.BigIntegerField,  # a model's id: int(value), or str as set at __init__
        serializers.DateTimeField,
        serializers.DateField,
        serializers.ChoiceField,
        RelatedField,
        PrimaryKeyRelatedField,
    }
)
_PLAN_METHODS = ("bind", "get_attribute", "use_pk_only_optimization", "to_representation")


def shareable(field: Field) -> bool:
    """Whether the field's step may serve every response of its class, language and time zone:
    a plain field (no children, not a method field, not the whole row) each of whose methods
    the plan runs is defined by a class known not to read the serializer (_CONTEXT_FREE_DRF,
    or `context_free` declared beside the method). DRF's own list of a relation's ids
    (`many=True`) reads its child and the value alone: shared where its child is."""
    if type(field) is ManyRelatedField and (field.default is empty or not callable(field.default)):
        return shareable(field.child_relation)
    if (
        isinstance(field, serializers.BaseSerializer | ManyRelatedField)
        or hasattr(field, "child")
        or field.source == "*"
        or isinstance(field, serializers.SerializerMethodField)
        or (field.default is not empty and callable(field.default))  # may read the context
    ):
        return False
    for method in _PLAN_METHODS:
        owner = next((k for k in type(field).__mro__ if method in k.__dict__), None)
        if owner is None:
            continue
        if owner not in _CONTEXT_FREE_DRF and owner.__dict__.get("context_free") is not True:
            return False
    return True
