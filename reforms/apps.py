from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReformsConfig(AppConfig):
    name = "reforms"
    verbose_name = _("Reform tasks")

    def ready(self):
        from django_celery_beat.models import PeriodicTask

        from parks.history import audit
        from parks.signals import demo_data_loaded
        from reforms.assessment import demo as assessment_demo
        from reforms.assessment.models import Scheme
        from reforms.ledgers import demo as ledger_demo
        from reforms.ledgers.models import CarePayment, Proposal, Publicity, Training
        from reforms.supervision import demo as supervision_demo
        from reforms.supervision import panels as supervision_panels
        from reforms.supervision.models import SupervisionOrder
        from reforms.tasks import demo as task_demo
        from reforms.tasks.models import Milestone, Plan, Task

        # Whose writes the audit log keeps (parks.history.audit); report schedules are beat's tasks.
        audit.register(
            CarePayment,
            Milestone,
            Plan,
            Proposal,
            Publicity,
            Task,
            Training,
            PeriodicTask,
            Scheme,
            SupervisionOrder,
        )

        demo_data_loaded.connect(task_demo.load_reform_demo, dispatch_uid="reforms_demo")
        demo_data_loaded.connect(
            ledger_demo.load_ledger_demo_on_signal, dispatch_uid="reforms_ledger_demo"
        )
        # After the task demo: the demo's orders are about its tasks and grievances.
        demo_data_loaded.connect(
            supervision_demo.load_supervision_demo, dispatch_uid="reforms_supervision_demo"
        )
        # After the supervision demo: the assessment scores last month on the demo's figures.
        demo_data_loaded.connect(
            assessment_demo.load_assessment_demo, dispatch_uid="reforms_assessment_demo"
        )
        # The orders' workbench sections and their panel on the task, grievance, unit, park and
        # grid-zone pages (parks.core.related).
        supervision_panels.register()

        from reforms.workbench import panels

        # Tasks, milestones, ledgers and reports on the workbench and the park and unit pages.
        panels.register()

        from reforms.ledgers import exports as ledger_exports
        from reforms.tasks import exports as task_exports

        # The construction table and the ledgers as workbooks written by the worker.
        task_exports.register_kind()
        ledger_exports.register_kinds()
