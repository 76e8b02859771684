from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReformsConfig(AppConfig):
    name = "reforms"
    verbose_name = _("Reform tasks")

    def ready(self):
        from parks.signals import demo_data_loaded

        from . import demo

        demo_data_loaded.connect(demo.load_reform_demo, dispatch_uid="reforms_demo")
