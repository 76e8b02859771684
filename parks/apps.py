from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParksConfig(AppConfig):
    name = "parks"
    verbose_name = _("Parks and grid zones")

    def ready(self):
        from . import db  # noqa: F401  (registers the Chinese collation on SQLite)
        from .audit import register
        from .models import Activity, Facility, GridZone, Park, User

        register(Park, GridZone, Facility, User, Activity)
