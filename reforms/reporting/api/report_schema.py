"""The JSON snapshot of a progress report, described for the OpenAPI schema (drf-spectacular).

Output only: the report detail (reforms.reporting.api.reports) passes the stored snapshot through
ReportSnapshotSerializer, so what the schema documents is exactly what a client receives. The
serializers are built from the report's one declaration (reforms.reporting.spec): one
serializer class per group there, named as its schema component, each figure's field type
following its kind and its help text its definition, then its fixed Chinese definition (口径)
where it has one.
"""

from rest_framework import serializers

from parks.structure.api.serializers import NamedChoiceField
from reforms.reporting import shape, spec

# The unit each kind of figure is given in, after its definition.
NOTES = {
    shape.PERCENT: "{} A percentage with one decimal (75.0 is 75 %); null over zero.",
    shape.YUAN: '{} Yuan, as a decimal string: "42000.00".',
    shape.HOURS: '{}, as a decimal string: "16.0".',
}


def _field(figure: shape.Figure) -> serializers.Field:
    help_text = NOTES.get(figure.kind, "{}").format(figure.definition)
    if figure.basis:
        help_text = f"{help_text} 口径：{figure.basis}"
    options = {"help_text": help_text} if help_text else {}
    if figure.kind == shape.COUNT:
        return serializers.IntegerField(min_value=0, **options)
    if figure.kind == shape.PERCENT:
        return serializers.FloatField(allow_null=True, min_value=0, max_value=100, **options)
    if figure.kind in (shape.YUAN, shape.HOURS):
        places = 2 if figure.kind == shape.YUAN else 1
        return serializers.DecimalField(max_digits=None, decimal_places=places, **options)
    if figure.kind in (shape.NUMBER, shape.ID):
        return serializers.IntegerField(allow_null=figure.nullable, **options)
    if figure.kind == shape.DATE:
        return serializers.DateField(**options)
    if figure.kind == shape.DATETIME:
        return serializers.DateTimeField(**options)
    if figure.kind == shape.CHOICE:
        return NamedChoiceField(figure.choices, figure.enum, **options)
    if figure.kind == shape.TEXTS:
        return serializers.ListField(child=serializers.CharField(), **options)
    return serializers.CharField(allow_null=figure.nullable, **options)


_BUILT: dict[str, type[serializers.Serializer]] = {}


def serializer_for(group: shape.Group) -> type[serializers.Serializer]:
    """The output serializer of a group; its class name is the schema component's. A group
    used in several places is one class, so one component (kept by name: a group's hash would
    read its lazily translated labels)."""
    if group.name in _BUILT:
        return _BUILT[group.name]
    fields = {}
    for item in group.fields:
        if isinstance(item, shape.Figure):
            fields[item.key] = _field(item)
        else:
            options = {"help_text": item.definition} if item.definition else {}
            if item.optional:
                options["required"] = False
            fields[item.key] = serializer_for(item.group)(many=item.many, **options)
    name = f"{group.name}Serializer" if group is spec.SNAPSHOT else group.name
    _BUILT[group.name] = type(name, (serializers.Serializer,), {"__doc__": group.doc, **fields})
    return _BUILT[group.name]


ReportSnapshotSerializer = serializer_for(spec.SNAPSHOT)
