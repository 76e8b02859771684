"""Panels one domain adds to another's page (NetBox's "template extensions", cut to size).

A page names the record it shows (`{% related_panels task %}`, parks.templatetags.panels); each
domain that has something to say about that kind of record registers a panel for it in its
AppConfig.ready(). So a page shows what other domains hold about its record — a task's or a
grievance's supervision orders — while the page's own app imports none of them (the import
contracts in pyproject.toml stay as they are).
"""

from collections.abc import Callable

from django.db.models import Model
from django.http import HttpRequest

# A panel: (request, record) -> HTML (already escaped: a rendered template), or "" for nothing.
Panel = Callable[[HttpRequest, Model], str]

_PANELS: dict[str, list[Panel]] = {}


def register(model_label: str, panel: Panel) -> None:
    """Show `panel` on the page of every record of `model_label` ("reforms.task")."""
    panels = _PANELS.setdefault(model_label.lower(), [])
    if panel not in panels:
        panels.append(panel)


def panels_for(instance: Model) -> list[Panel]:
    return list(_PANELS.get(instance._meta.label_lower, ()))
