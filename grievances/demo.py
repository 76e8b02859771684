"""Demo grievances, surveys and time-limit policies, loaded by `manage.py load_demo`."""


def load_grievance_demo(sender, *, office, stdout, **kwargs):
    return None
