from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GrievancesConfig(AppConfig):
    name = "grievances"
    verbose_name = _("Worker grievances")

    def ready(self):
        from grievances import demo, exports, panels
        from grievances.models import Grievance, SurveyCampaign, TimeLimitPolicy
        from parks.history import audit
        from parks.signals import demo_data_loaded

        # Whose writes the audit log keeps (parks.history.audit).
        audit.register(Grievance, SurveyCampaign, TimeLimitPolicy)

        demo_data_loaded.connect(demo.load_grievance_demo, dispatch_uid="grievances_demo")
        # Its panels on the park, grid-zone and unit pages and its queues on the workbench.
        panels.register()
        # The inbox as a workbook written by the worker (parks.exports).
        exports.register_kind()
