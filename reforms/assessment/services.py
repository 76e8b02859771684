"""STAND-IN until h15core's services.py is merged (the merge takes theirs): the contract's
names, so that the pages import; only scheme_problems' weight rule works."""

from django.utils.translation import gettext as _


def scheme_problems(scheme, indicators, items) -> list[str]:
    problems = []
    if not indicators:
        problems.append(_("Choose at least one indicator."))
    total = sum((row.weight for row in indicators), 0)
    if indicators and total != scheme.total_weight:
        problems.append(
            _("The weights add up to %(sum)s; the scheme says %(total)s.")
            % {"sum": f"{total:.2f}", "total": f"{scheme.total_weight:.2f}"}
        )
    return problems


def save_scheme(scheme, indicators, items, *, by):
    raise NotImplementedError


def activate_scheme(scheme, *, by):
    raise NotImplementedError


def retire_scheme(scheme, *, by):
    raise NotImplementedError


def compute_period(scheme, period_kind, period_start, *, by=None, recompute=False, reason=""):
    raise NotImplementedError


def adjust(score, *, points=None, item=None, reason, by):
    raise NotImplementedError


def withdraw_adjustment(adjustment, *, by, reason):
    raise NotImplementedError


def publish_period(scheme, period_kind, period_start, *, by):
    raise NotImplementedError
