"""A planned page's rows built plainly (parks.core.built) are the rows Django builds: the
same class, the same values in __dict__, the same ModelState, the same joined rows (each
pointing back where Django's does), the same annotations; a model Django would build otherwise
(a receiver of pre_init or post_init, a column with an attribute of its own) is built by
Django's own from_db. The code the module follows step for step is pinned: a Django that
changes it fails here, to be read again."""

import hashlib
import inspect

import pytest
from django.db.models import Model
from django.db.models.fields.files import FileDescriptor
from django.db.models.fields.related_descriptors import ForeignKeyDeferredAttribute
from django.db.models.query import ModelIterable, RelatedPopulator, get_related_populators
from django.db.models.query_utils import DeferredAttribute
from django.db.models.signals import post_init

from grievances import selectors as grievance_selectors
from grievances.api.serializers import GrievanceSerializer
from grievances.models import Attachment, Grievance
from parks.core import built
from parks.core.api.reading import read_as_columns_for
from parks.core.prepared import prepared
from parks.gridlog import selectors as gridlog_selectors
from parks.gridlog.api.serializers import ActivitySerializer
from parks.gridlog.models import Activity, ActivityPhoto
from parks.structure.models import GridZone, Organisation, Park, User
from reforms.tasks import selectors as task_selectors
from reforms.tasks.models import Plan, Task
from tests.parks import test_fast_reading

varied = test_fast_reading.varied
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("varied")]

# Django 5.2's code that parks.core.built follows (sha256 of each one's source, 16 digits;
# ModelIterable.__iter__ and RelatedPopulator.populate: tests/parks/test_prepared_reading.py).
FOLLOWED = {
    RelatedPopulator.__init__: "211f3bd0dfdc3a3b",
    get_related_populators: "979430eb75b93969",
    Model.__init__: "2950c3a90d8343b5",
    Model.from_db.__func__: "eba347895d11fa79",
    ForeignKeyDeferredAttribute.__set__: "fd92fb6cd862a96a",
    FileDescriptor.__set__: "b6aff8ba5dafd937",
}


def test_the_django_code_followed_is_unchanged():
    for function, digest in FOLLOWED.items():
        source = inspect.getsource(function).encode()
        assert hashlib.sha256(source).hexdigest()[:16] == digest, function.__qualname__


def _row(obj, depth=0):
    """Everything Django leaves on a row, its joined rows too."""
    if obj is None:
        return None
    state = obj._state
    joined = dict(state.fields_cache)
    return (
        type(obj),
        list(vars(obj)),  # the names, in order
        {name: value for name, value in vars(obj).items() if name != "_state"},
        (state.db, state.adding),
        {
            name: _row(rel, depth + 1) if depth < 2 else rel.pk if rel is not None else None
            for name, rel in joined.items()
        },
    )


def _both(queryset):
    """Django's rows of `queryset`, and the same read as a prepared query (parks.core.prepared
    builds its rows by parks.core.built)."""
    plain = list(queryset.all())
    fast = prepared(("built rows", str(queryset.query)), queryset.all)
    assert fast._iterable_class is not ModelIterable  # read by parks.core.prepared
    return plain, list(fast)


def _lists(office_user):
    moments = grievance_selectors.deadline_moments()
    inbox = grievance_selectors.inbox(user=office_user, moments=moments)
    feed = gridlog_selectors.activity_list(user=office_user).prefetch_related(None)
    return [
        inbox,
        read_as_columns_for(inbox, GrievanceSerializer),
        feed,
        read_as_columns_for(feed, ActivitySerializer),
        task_selectors.task_table(user=office_user).prefetch_related(None),
        Grievance.objects.only("title", "park__name").select_related("park").order_by("pk"),
    ]


def test_rows_built_plainly_are_djangos(office_user):
    # The lists' rows, the rows they join and prefetch are built plainly, so the comparison
    # below compares the two ways.
    for model in (Grievance, Activity, Task, Park, GridZone, User, Organisation, Plan):
        assert built._plain_model(model), model
    assert built._plain_model(Attachment) and built._plain_model(ActivityPhoto)
    for queryset in _lists(office_user):
        plain, fast = _both(queryset)
        assert plain, queryset.query
        assert [_row(obj) for obj in fast] == [_row(obj) for obj in plain]
        for obj in fast:
            for name, rel in obj._state.fields_cache.items():
                if rel is not None and name in ("park", "handler"):
                    assert rel.pk == getattr(obj, f"{name}_id")


def test_a_joined_row_is_none_where_djangos_is(office_user):
    queryset = Grievance.objects.select_related("grid_zone", "handler").order_by("pk")
    plain, fast = _both(queryset)
    assert any(obj.grid_zone is None for obj in fast)
    assert [(o.grid_zone, o.handler) for o in fast] == [(o.grid_zone, o.handler) for o in plain]


def test_a_model_django_builds_otherwise_is_built_by_djangos_from_db(office_user):
    seen = []

    def receiver(sender, instance, **kwargs):
        seen.append(instance.pk)

    post_init.connect(receiver, sender=Grievance)
    try:
        plain, fast = _both(Grievance.objects.order_by("pk"))
    finally:
        post_init.disconnect(receiver, sender=Grievance)
    assert seen == [obj.pk for obj in plain] * 2
    assert [_row(obj) for obj in fast] == [_row(obj) for obj in plain]
    # Rows with file columns (FileDescriptor stores the value as it is) are Django's.
    plain, fast = _both(Attachment.objects.order_by("pk"))
    assert plain and [_row(obj) for obj in fast] == [_row(obj) for obj in plain]
    assert [o.file.name for o in fast] == [o.file.name for o in plain]


def test_a_model_with_its_own_init_or_attribute_is_not_built_plainly(monkeypatch):
    plain_model = built._plain_model.__wrapped__  # not remembered
    assert plain_model(Grievance)
    with monkeypatch.context() as patch:
        patch.setattr(Grievance, "__init__", lambda self, *args: Model.__init__(self, *args))
        assert not plain_model(Grievance)
    with monkeypatch.context() as patch:
        patch.setattr(Grievance, "title", property(lambda self: ""))
        assert not plain_model(Grievance)
    with monkeypatch.context() as patch:
        patch.setattr(Grievance, "from_db", classmethod(lambda cls, *args: None))
        assert not plain_model(Grievance)


def test_a_plain_columns_attribute_stores_nothing_itself():
    """A DeferredAttribute is a non-data descriptor (Model.__init__'s setattr puts the value in
    __dict__); the foreign key's id's and a file's setters are pinned above."""
    assert not hasattr(DeferredAttribute, "__set__")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Grievance, "__setattr__", lambda self, name, value: None, raising=False)
        assert not built._plain_model.__wrapped__(Grievance)
