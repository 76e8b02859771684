"""Signals other apps listen to, so that parks never has to import them."""

from django.dispatch import Signal

# Sent by `manage.py load_demo` inside its transaction, after the parks data is in place.
# Receivers get `office` (the demo office user) and `stdout` (to report what they loaded).
demo_data_loaded = Signal()
