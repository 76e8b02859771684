from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class ParksConfig(AppConfig):
    name = "parks"
    verbose_name = _("Parks and grid zones")

    def ready(self):
        from parks.core import db  # noqa: F401  (registers the Chinese collation on SQLite)
        from parks.core.api import fields
        from parks.core.recent import forget_the_database
        from parks.gridlog.models import Activity
        from parks.history.audit import register
        from parks.structure.models import Facility, GridZone, Park, User

        register(Park, GridZone, Facility, User, Activity)
        fields.register_model_mapping()

        from parks.gridlog import exports, panels

        panels.register()
        # The feed as a workbook written by the worker (parks.exports).
        exports.register_kind()

        # A migrate or a flush may give kept keys other rows (parks.core.recent).
        post_migrate.connect(forget_the_database, dispatch_uid="parks.forget_the_database")
