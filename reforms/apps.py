from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReformsConfig(AppConfig):
    name = "reforms"
    verbose_name = _("Reform tasks")

    def ready(self):
        from django_celery_beat.models import PeriodicTask

        from parks import audit
        from parks.signals import demo_data_loaded

        from . import demo
        from .models import CarePayment, Milestone, Plan, Proposal, Publicity, Task, Training

        # Whose writes the audit log keeps (parks.audit); report schedules are beat's tasks.
        audit.register(
            CarePayment, Milestone, Plan, Proposal, Publicity, Task, Training, PeriodicTask
        )

        demo_data_loaded.connect(demo.load_reform_demo, dispatch_uid="reforms_demo")
