from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GrievancesConfig(AppConfig):
    name = "grievances"
    verbose_name = _("Worker grievances")

    def ready(self):
        from grievances import demo, exports, panels
        from grievances.models import Grievance, SurveyCampaign, TimeLimitPolicy
        from grievances.status_counts import STATUS_TALLY, StatusTally
        from parks.core.tallies import count_from
        from parks.history import audit
        from parks.signals import demo_data_loaded

        # Whose writes the audit log keeps (parks.history.audit).
        audit.register(Grievance, SurveyCampaign, TimeLimitPolicy)

        demo_data_loaded.connect(demo.load_grievance_demo, dispatch_uid="grievances_demo")
        # The inbox's and the workbench's counts read the status tally (grievances.status_counts).
        count_from(STATUS_TALLY, StatusTally)
        # Its panels on the park, grid-zone and unit pages and its queues on the workbench.
        panels.register()
        # The inbox as a workbook written by the worker (parks.exports).
        exports.register_kind()
