"""Demo reform plans and tasks, loaded by `manage.py load_demo` (being written)."""


def load_reform_demo(sender, *, office, stdout, **kwargs):
    return None
