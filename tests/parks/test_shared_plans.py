"""A read plan's steps are shared by a serializer class's responses in one language and time
zone, except those that read the serializer they are bound to (parks.core.api.reading,
`_shared_plan`, issue 14): the answers are DRF's, byte for byte, whoever asked first, whatever
the context, and a field that reads its context gets a step of its own in each response."""

import pytest
import time_machine
from django.utils import timezone
from rest_framework import serializers

from grievances.api.serializers import AttachmentSerializer, GrievanceSerializer
from grievances.models import Grievance
from parks.core.api import reading, shared_steps
from parks.core.api.fields import ChoiceLabelField
from parks.core.api.reading import ReadFastSerializer
from reforms.tasks.api.serializers import TaskSerializer
from tests.factories import GrievanceFactory
from tests.parks import test_fast_reading
from tests.parks.test_fast_reading import NOW, USERS, _paths

varied = test_fast_reading.varied
pytestmark = pytest.mark.django_db


def _answers(request, api_as, paths):
    """Every user's answers, in both languages and two time zones, in one process: the first
    response of each class builds the shared steps the others reuse."""
    answers = []
    with time_machine.travel(NOW, tick=False):
        for zone in ("Asia/Shanghai", "UTC"):
            with timezone.override(zone):
                for who in USERS:
                    client = api_as(request.getfixturevalue(who))
                    for language in ("zh-hans", "en"):
                        for path in paths:
                            response = client.get(path, HTTP_ACCEPT_LANGUAGE=language)
                            answers.append((zone, who, language, path, response.content))
    return answers


def test_shared_steps_answer_what_each_responses_own_and_drf_answer(
    request, api_as, varied, monkeypatch
):
    paths = [path for path in _paths(varied) if "/activities/" not in path]
    for serializer_class in (GrievanceSerializer, AttachmentSerializer, TaskSerializer):
        monkeypatch.setattr(serializer_class, "_shared_plans", {}, raising=False)
    shared = _answers(request, api_as, paths)
    monkeypatch.setattr(reading, "shareable", lambda field: False)
    assert shared == _answers(request, api_as, paths)
    monkeypatch.setattr(ReadFastSerializer, "read_fast", False)
    assert shared == _answers(request, api_as, paths)
    # The time zone and the language each change the answer (so the key must hold them).
    by_zone = {zone: body for zone, who, language, _path, body in shared if language == "en"}
    assert by_zone["UTC"] != by_zone["Asia/Shanghai"]


def test_the_fields_that_read_their_serializer_are_made_per_response():
    with timezone.override("UTC"):
        shared = dict(GrievanceSerializer()._shared_plan())
    own = {name for name, step in shared.items() if step is None}
    assert own == {"handler_name", "personal_data_masked", "attachments"}
    with timezone.override("UTC"):
        assert dict(AttachmentSerializer()._shared_plan())["download_url"] is None


def test_a_list_of_ids_is_shared_where_its_child_is():
    """A task's supporting units (DRF's ManyRelatedField of ids) are not copied per response."""
    with timezone.override("UTC"):
        shared = dict(TaskSerializer()._shared_plan())
    assert shared["supporting_units"] is not None
    own = {name for name, step in shared.items() if step is None}
    assert own == {"owner_name", "warning_display"}
    ids = TaskSerializer().fields["supporting_units"]
    assert shared_steps.shareable(ids)
    # A child whose representation reads the context is not shared, nor the list of it.
    ids.child_relation.__class__ = ContextIds
    assert not shared_steps.shareable(ids)


class ContextIds(serializers.PrimaryKeyRelatedField):
    """Ids whose representation reads the serializer's context."""

    def to_representation(self, value):
        return self.context["x"]


class ContextTitle(serializers.CharField):
    """A CharField whose representation reads the serializer's context."""

    def to_representation(self, value):
        return f"{value} {self.context['suffix']}"


class KnownLabel(ChoiceLabelField):
    """Overrides a method without saying it is context-free: not shared."""

    def to_representation(self, value):
        return super().to_representation(value)


class SuffixDefault:
    requires_context = True

    def __call__(self, field):
        return field.context["suffix"]


class ContextSerializer(ReadFastSerializer):
    title = ContextTitle()
    zone_code = serializers.CharField(source="grid_zone.code", default=SuffixDefault())
    status_display = KnownLabel(source="status")
    channel_display = ChoiceLabelField(source="channel")

    class Meta:
        model = Grievance
        fields = ["id", "title", "zone_code", "status_display", "channel_display"]


def test_a_field_reading_the_context_reads_each_responses_own(park):
    grievance = GrievanceFactory(park=park, title="T")
    first = ContextSerializer(grievance, context={"suffix": "a"}).data
    second = ContextSerializer(grievance, context={"suffix": "b"}).data
    assert (first["title"], second["title"]) == ("T a", "T b")
    assert (first["zone_code"], second["zone_code"]) == ("a", "b")  # no zone: the default
    shared = dict(ContextSerializer()._shared_plan())
    assert shared["title"] is None and shared["status_display"] is None
    assert shared["zone_code"] is None
    assert shared["id"] is not None and shared["channel_display"] is not None


def test_a_serializer_whose_fields_were_made_or_that_is_partial_binds_its_own(park):
    grievance = GrievanceFactory(park=park, title="T")
    serializer = ContextSerializer(grievance, context={"suffix": "a"})
    assert serializer.fields["title"].context == {"suffix": "a"}  # made before its plan
    assert serializer.data["title"] == "T a"
    steps = {name: represent for name, _read, represent, *_column in serializer._plan}
    assert steps["channel_display"].__self__ is serializer.fields["channel_display"]
    partial = ContextSerializer(grievance, context={"suffix": "c"}, partial=True)
    assert partial.data["title"] == "T c"
    assert "fields" in partial.__dict__


class ColumnSerializer(ReadFastSerializer):
    key = serializers.IntegerField(source="pk")
    flag = serializers.CharField()

    class Meta:
        model = Grievance
        fields = ["id", "key", "title", "park", "flag"]


def test_a_column_is_read_where_getattr_reads_it_and_through_the_field_elsewhere(park):
    """A step reads a row's __dict__ only for a model field's own attribute or an annotation:
    a property (`pk`) or a relation goes through the field, as DRF's path does."""
    assert reading._plain_attribute(Grievance, "title")
    assert reading._plain_attribute(Grievance, "park_id")
    assert reading._plain_attribute(Grievance, "flag")  # no class attribute: an annotation
    assert not reading._plain_attribute(Grievance, "park")
    assert not reading._plain_attribute(Grievance, "pk")
    grievance = GrievanceFactory(park=park, title="T")
    grievance.flag = 7  # an int where a CharField writes text: represented, not kept
    grievance.__dict__["pk"] = -1  # never read: `pk` is a property
    fast = ColumnSerializer(grievance).data
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ReadFastSerializer, "read_fast", False)
        plain = ColumnSerializer(grievance).data
    assert (
        fast
        == plain
        == {
            "id": grievance.pk,
            "key": grievance.pk,
            "title": "T",
            "park": park.pk,
            "flag": "7",
        }
    )
    steps = {
        name: (column, unchanged)
        for name, _r, _p, column, unchanged in ColumnSerializer(grievance)._read_plan()
    }
    assert steps["title"] == ("title", str) and steps["park"] == ("park_id", int)
    assert steps["key"] == (None, None)


class NamedMethodSerializer(ReadFastSerializer):
    # Method fields: DRF's class by default and by name, and a subclass of it.
    handler_name = serializers.SerializerMethodField()
    shown_title = serializers.SerializerMethodField(method_name="title_shouted")
    title_twice = type("TwiceField", (serializers.SerializerMethodField,), {})()

    class Meta:
        model = Grievance
        fields = ["id", "handler_name", "shown_title", "title_twice"]

    def get_handler_name(self, grievance):
        return str(grievance.handler) if grievance.handler_id else None

    def title_shouted(self, grievance):
        return grievance.title.upper() + self.context.get("mark", "")

    def get_title_twice(self, grievance):
        return grievance.title * 2


def test_a_method_fields_step_is_its_serializers_method_uncopied(park, monkeypatch):
    grievance = GrievanceFactory(park=park, title="t")
    serializer = NamedMethodSerializer(grievance, context={"mark": "!"})
    steps = {step[0]: step for step in serializer._read_plan()}
    assert steps["handler_name"][2] == serializer.get_handler_name
    assert steps["shown_title"][2] == serializer.title_shouted
    assert reading._plain_method(NamedMethodSerializer().fields["title_twice"], "x") is None
    fast = serializer.data
    assert fast == {
        "id": grievance.pk,
        "handler_name": None,
        "shown_title": "T!",
        "title_twice": "tt",
    }
    monkeypatch.setattr(ReadFastSerializer, "read_fast", False)
    assert NamedMethodSerializer(grievance, context={"mark": "!"}).data == fast
    plain = GrievanceSerializer(grievance, context={}).data
    monkeypatch.setattr(ReadFastSerializer, "read_fast", True)
    assert GrievanceSerializer(grievance, context={}).data == plain
