"""Filters for the construction table, plans and milestones (API and pages).

Choices that name other rows (parks, plans, units, tasks) offer only what the requesting user
may see, so a filter never confirms that a hidden row exists. Without a request they offer
nothing.
"""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from parks import access
from parks.access import organisations_visible_to, parks_visible_to
from parks.structure.models import Subdistrict, User
from reforms.tasks.choices import PlanScope, TaskCategory, TaskStatus, WarningLevel
from reforms.tasks.models import Milestone, Plan, Task
from reforms.tasks.selectors import plans_visible_to, tasks_visible_to, updatable_by, with_warning


def _visible_owners(request):
    # Owners of tasks the user sees, so the filter cannot be used to probe who has an account.
    if request is None:
        return User.objects.none()
    return User.objects.filter(pk__in=tasks_visible_to(request.user).values("owner_id"))


class TaskFilter(django_filters.FilterSet):
    """The construction table's filters. Expects rows annotated by selectors.task_table; a plain
    task queryset gets its `warning` annotated when a warning filter asks for it."""

    q = django_filters.CharFilter(method="search", label=_("Search"))
    park = django_filters.ModelChoiceFilter(
        queryset=access.for_request(parks_visible_to), label=_("Park")
    )
    plan = django_filters.ModelChoiceFilter(
        queryset=access.for_request(plans_visible_to), label=_("Plan")
    )
    lead_unit = django_filters.ModelChoiceFilter(
        queryset=access.for_request(organisations_visible_to), label=_("Lead unit")
    )
    unit = django_filters.ModelChoiceFilter(
        # field_name only tells schema generators the value is an organisation id.
        field_name="lead_unit",
        queryset=access.for_request(organisations_visible_to),
        method="filter_unit",
        label=_("Unit (leading or supporting)"),
    )
    category = django_filters.ChoiceFilter(choices=TaskCategory.choices, label=_("Category"))
    status = django_filters.MultipleChoiceFilter(choices=TaskStatus.choices, label=_("Status"))
    warning = django_filters.ChoiceFilter(
        choices=WarningLevel.choices, method="filter_warning", label=_("Warning")
    )
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("Overdue"))
    due_before = django_filters.DateFilter(
        field_name="due_date", lookup_expr="lte", label=_("Due on or before")
    )
    due_after = django_filters.DateFilter(
        field_name="due_date", lookup_expr="gte", label=_("Due on or after")
    )
    owner = django_filters.ModelChoiceFilter(queryset=_visible_owners, label=_("Owner"))
    mine = django_filters.BooleanFilter(method="filter_mine", label=_("My tasks"))

    class Meta:
        model = Task
        fields = [
            "q",
            "park",
            "plan",
            "lead_unit",
            "unit",
            "category",
            "status",
            "warning",
            "overdue",
            "due_before",
            "due_after",
            "owner",
            "mine",
        ]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(code__icontains=value) | Q(title__icontains=value) | Q(description__icontains=value)
        )

    def filter_unit(self, queryset, name, value):
        # A subquery on the link table rather than a join, so a task never appears twice.
        supported = Task.supporting_units.through.objects.filter(organisation=value).values(
            "task_id"
        )
        return queryset.filter(Q(lead_unit=value) | Q(pk__in=supported))

    def filter_warning(self, queryset, name, value):
        return _warned(queryset).filter(warning=value)

    def filter_overdue(self, queryset, name, value):
        queryset = _warned(queryset)
        if value:
            return queryset.filter(warning=WarningLevel.RED)
        return queryset.exclude(warning=WarningLevel.RED)

    def filter_mine(self, queryset, name, value):
        # The tasks parks.access.may_update_task lets a non-office user update.
        user = getattr(self.request, "user", None)
        if user is None or not user.is_authenticated:
            return queryset.none()
        mine = updatable_by(user)
        return queryset.filter(mine) if value else queryset.exclude(mine)


def _warned(queryset):
    if "warning" in queryset.query.annotations:
        return queryset
    return with_warning(queryset)


class PlanFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(field_name="title", lookup_expr="icontains", label=_("Search"))
    year = django_filters.NumberFilter(label=_("Year"))
    scope = django_filters.ChoiceFilter(choices=PlanScope.choices, label=_("Scope"))
    issuer = django_filters.ModelChoiceFilter(
        queryset=access.for_request(organisations_visible_to), label=_("Issued by")
    )
    park = django_filters.ModelChoiceFilter(
        queryset=access.for_request(parks_visible_to), label=_("Park")
    )
    subdistrict = django_filters.ModelChoiceFilter(
        queryset=Subdistrict.objects.all(), label=_("Subdistrict")
    )

    class Meta:
        model = Plan
        fields = ["q", "year", "scope", "issuer", "park", "subdistrict"]


class MilestoneFilter(django_filters.FilterSet):
    task = django_filters.ModelChoiceFilter(
        queryset=access.for_request(tasks_visible_to), label=_("Task")
    )
    park = django_filters.ModelChoiceFilter(
        field_name="task__park", queryset=access.for_request(parks_visible_to), label=_("Park")
    )
    done = django_filters.BooleanFilter(
        field_name="done_on", lookup_expr="isnull", exclude=True, label=_("Done")
    )
    due_before = django_filters.DateFilter(
        field_name="due_date", lookup_expr="lte", label=_("Due on or before")
    )
    due_after = django_filters.DateFilter(
        field_name="due_date", lookup_expr="gte", label=_("Due on or after")
    )

    class Meta:
        model = Milestone
        fields = ["task", "park", "done", "due_before", "due_after"]
