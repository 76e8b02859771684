"""REST API v1 for reform plans, tasks, milestones, progress updates and evidence.

Querysets come from the scope selectors, so rows outside a user's scope are 404s. Every write
goes through reforms.services; the services' ValidationError and PermissionDenied become 400 and
403 in parks.core.api.errors.
"""

from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from parks.access.lists import ScopedPlannedListMixin
from parks.access.permissions import OfficeEditsPermission
from parks.core.api.filtering import PortalFilterBackend
from parks.core.api.ordering import ChineseOrderingFilter
from parks.core.api.reading import read_as_columns_for
from parks.core.api.schema import file_download
from parks.core.api.viewsets import CursorListMixin, EditViewSet, PortalViewSet, assign
from parks.core.downloads import stored_file_response
from parks.core.excel import XLSX_CONTENT_TYPE
from reforms.tasks import selectors, services
from reforms.tasks.api.serializers import (
    EvidenceSerializer,
    MilestoneSerializer,
    NoteSerializer,
    PlanSerializer,
    ProgressInputSerializer,
    ProgressUpdateSerializer,
    ReasonSerializer,
    TaskDetailSerializer,
    TaskSerializer,
)
from reforms.tasks.choices import TaskStatus
from reforms.tasks.filters import MilestoneFilter, PlanFilter, TaskFilter
from reforms.tasks.models import Evidence, ProgressUpdate
from reforms.tasks.services import EVIDENCE_SIGNATURES


class CrudViewSet(EditViewSet):
    permission_class = OfficeEditsPermission


class TaskOrderingFilter(ChineseOrderingFilter):
    """`?ordering=warning` sorts worst first (selectors.WARNING_RANK), as the pages do, rather
    than alphabetically by the level's name; ties go by due date."""

    def filter_queryset(self, request, queryset, view):
        ordering = self.get_ordering(request, queryset, view)
        if not ordering or not any(term.lstrip("-") == "warning" for term in ordering):
            return super().filter_queryset(request, queryset, view)
        terms = []
        for term in ordering:
            if term.lstrip("-") == "warning":
                terms += [term.replace("warning", "warning_rank"), "due_date"]
            else:
                terms.append(term)
        return selectors.with_warning_rank(queryset).order_by(*terms, "code", "pk")


@extend_schema_view(
    list=extend_schema(summary="List implementation plans in your scope"),
    retrieve=extend_schema(summary="One implementation plan"),
    create=extend_schema(summary="Add an implementation plan (office staff)"),
    update=extend_schema(summary="Replace a plan's details (office staff)"),
    partial_update=extend_schema(summary="Change some of a plan's details (office staff)"),
)
class PlanViewSet(CrudViewSet):
    """Implementation plans (实施方案) for the district, a subdistrict or a park."""

    serializer_class = PlanSerializer
    filterset_class = PlanFilter
    ordering_fields = ["year", "title", "created_at"]

    def get_queryset(self):
        return (
            selectors.plans_visible_to(self.request.user)
            .select_related("issuer")
            .order_by("-year", "title", "pk")
        )

    def save_with_service(self, plan, data):
        return services.plan_save(plan=assign(plan, data), actor=self.request.user)


@extend_schema_view(
    list=extend_schema(summary="List reform tasks (the construction table)"),
    retrieve=extend_schema(summary="One reform task with its milestones"),
    create=extend_schema(summary="Add a reform task (office staff)"),
    update=extend_schema(summary="Replace a task's details (office staff)"),
    partial_update=extend_schema(summary="Change some of a task's details (office staff)"),
)
class TaskViewSet(CursorListMixin, ScopedPlannedListMixin, CrudViewSet):
    """Reform tasks: the rows of the construction table (施工表), in the requesting user's scope.

    `warning` is computed in SQL, the same way for lists, filters, exports and reports:

    * `red` — past the due date and not done;
    * `yellow` — not done and either due within `REFORM_DUE_SOON_DAYS` days (default 7), or behind
      the scheduled pace (序时进度): the elapsed share of the start→due span exceeds the reported
      progress by more than `REFORM_PACE_MARGIN` percentage points (default 20);
    * `green` — on track, or done on or before the due date;
    * `done_late` — done after the due date;
    * `none` — cancelled, no longer chased.

    `status`, `progress` and `done_on` are read-only here: they change through the workflow actions
    (`start`, `complete`, `suspend`, `resume`, `cancel`, `reopen`, `reinstate`) and progress
    updates. Only the district reform office creates and edits tasks; the office, a task's owner
    and staff of its lead unit take workflow actions and report progress. Cancelling a task,
    reopening a done one and reinstating a cancelled one are for the office only.
    """

    serializer_class = TaskSerializer
    filterset_class = TaskFilter
    filter_backends = [PortalFilterBackend, TaskOrderingFilter]
    ordering_fields = [
        "code",
        "title",
        "start_date",
        "due_date",
        "progress",
        "status",
        "warning",
        "days_left",
        "updated_at",
    ]

    # The list's rows (parks.core.api.planned): the construction table of the user's scope on
    # this request's day; the warning's SQL holds two settings as constants.
    list_settings = ("REFORM_DUE_SOON_DAYS", "REFORM_PACE_MARGIN")

    def list_queryset(self, today):
        return selectors.task_table(user=self.request.user, today=today)

    def list_values(self):
        return (timezone.localdate(),)

    def get_queryset(self):
        user = self.request.user
        if self.action in ("list", "cursor"):
            return self.listed()
        if self.action == "export":
            # The workbook reads the joined rows (reforms.tasks.excel).
            return selectors.task_table(user=user)
        if self.action in ("retrieve", "create", "update", "partial_update"):
            tasks = read_as_columns_for(selectors.task_table(user=user), TaskSerializer)
            if self.action == "retrieve":
                tasks = tasks.prefetch_related("milestones")
            return tasks
        # Workflow actions and progress only need the row; the services lock it themselves.
        return selectors.tasks_visible_to(user)

    def get_serializer_class(self):
        if self.action == "retrieve":
            return TaskDetailSerializer
        return TaskSerializer

    def save_with_service(self, task, data):
        supporting_units = data.pop("supporting_units", None)
        expected_updated_at = data.pop("expected_updated_at", None)
        saved = services.task_save(
            task=assign(task, data),
            actor=self.request.user,
            # Only what the client sent: the row was read before the service locks it, and
            # the other fields may have changed since.
            fields=list(data) if task.pk is not None else None,
            supporting_units=supporting_units,
            expected_updated_at=expected_updated_at,
        )
        return self._table_row(saved)

    def _table_row(self, task):
        # Re-read with the warning annotation so every response carries the same fields as GET.
        tasks = read_as_columns_for(selectors.task_table(user=self.request.user), TaskSerializer)
        return get_object_or_404(tasks, pk=task.pk)

    def _transition(self, request, to_status, input_serializer, note_field, from_status=None):
        data = input_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        task = self.get_object()
        # start, resume and reopen all lead to "in progress"; each applies to one state only,
        # so a client never reopens or resumes a task by calling the wrong one.
        if from_status is not None and task.status != from_status:
            raise ValidationError(
                {
                    "non_field_errors": [
                        _("This applies to a “%(expected)s” task; this one is “%(status)s”.")
                        % {
                            "expected": TaskStatus(from_status).label,
                            "status": TaskStatus(task.status).label,
                        }
                    ]
                }
            )
        task = services.task_transition(
            task=task,
            to_status=to_status,
            actor=request.user,
            note=data.validated_data.get(note_field, ""),
        )
        row = self._table_row(task)
        return Response(TaskSerializer(row, context=self.get_serializer_context()).data)

    @extend_schema(
        summary="Start a planned task (planned → in progress)",
        request=NoteSerializer,
        responses=TaskSerializer,
    )
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        return self._transition(
            request, TaskStatus.IN_PROGRESS, NoteSerializer, "note", TaskStatus.PLANNED
        )

    @extend_schema(
        summary="Declare a task done (in progress → done; progress becomes 100%)",
        request=NoteSerializer,
        responses=TaskSerializer,
    )
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        return self._transition(request, TaskStatus.DONE, NoteSerializer, "note")

    @extend_schema(
        summary="Suspend a task, saying why", request=ReasonSerializer, responses=TaskSerializer
    )
    @action(detail=True, methods=["post"])
    def suspend(self, request, pk=None):
        return self._transition(request, TaskStatus.SUSPENDED, ReasonSerializer, "reason")

    @extend_schema(
        summary="Resume a suspended task (suspended → in progress)",
        request=NoteSerializer,
        responses=TaskSerializer,
    )
    @action(detail=True, methods=["post"])
    def resume(self, request, pk=None):
        return self._transition(
            request, TaskStatus.IN_PROGRESS, NoteSerializer, "note", TaskStatus.SUSPENDED
        )

    @extend_schema(
        summary="Cancel a task, saying why (office staff)",
        request=ReasonSerializer,
        responses=TaskSerializer,
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        return self._transition(request, TaskStatus.CANCELLED, ReasonSerializer, "reason")

    @extend_schema(
        summary="Reinstate a cancelled task, saying why (office staff; cancelled → planned)",
        request=ReasonSerializer,
        responses=TaskSerializer,
    )
    @action(detail=True, methods=["post"])
    def reinstate(self, request, pk=None):
        return self._transition(
            request, TaskStatus.PLANNED, ReasonSerializer, "reason", TaskStatus.CANCELLED
        )

    @extend_schema(
        summary="Reopen a done task (office staff; done → in progress)",
        request=NoteSerializer,
        responses=TaskSerializer,
    )
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        return self._transition(
            request, TaskStatus.IN_PROGRESS, NoteSerializer, "note", TaskStatus.DONE
        )

    @extend_schema(
        methods=["GET"],
        summary="Progress updates of a task, newest first, with their evidence",
        responses=ProgressUpdateSerializer(many=True),
        filters=False,
    )
    @extend_schema(
        methods=["POST"],
        summary="Report progress, optionally with evidence files (multipart/form-data)",
        request={
            "multipart/form-data": ProgressInputSerializer,
            "application/json": ProgressInputSerializer,
        },
        responses={201: ProgressUpdateSerializer},
    )
    @action(detail=True, methods=["get", "post"])
    def progress(self, request, pk=None):
        task = self.get_object()
        if request.method == "POST":
            return self._post_progress(request, task)
        updates = (
            ProgressUpdate.objects.filter(task=task)
            .select_related("author")
            .prefetch_related("evidence")
            .order_by("-created_at", "-pk")
        )
        page = self.paginate_queryset(updates)
        serializer = ProgressUpdateSerializer(
            page, many=True, context=self.get_serializer_context()
        )
        return self.get_paginated_response(serializer.data)

    def _post_progress(self, request, task):
        data = ProgressInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        # Accept the PHP-style `files[]` too; the service checks every file either way.
        files = [*data.validated_data.get("files", []), *request.FILES.getlist("files[]")]
        update = services.progress_post(
            task=task,
            actor=request.user,
            percent=data.validated_data["percent"],
            text=data.validated_data["text"],
            files=files,
        )
        update = (
            ProgressUpdate.objects.select_related("author")
            .prefetch_related("evidence")
            .get(pk=update.pk)
        )
        body = ProgressUpdateSerializer(update, context=self.get_serializer_context()).data
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="The construction table as Excel, with the same filters as the list",
        description=_(
            "Superseded by `POST /api/v1/exports/` with `kind` `tasks`, which the worker writes "
            "(202, then poll and download). Kept for existing clients: the table is small "
            "(a few thousand tasks), so this synchronous answer stays within the request's time."
        ),
        deprecated=True,
        filters=True,
        responses={(200, XLSX_CONTENT_TYPE): OpenApiTypes.BINARY},
    )
    @action(detail=False, methods=["get"], pagination_class=None)
    def export(self, request):
        from reforms.tasks.excel import (
            task_table_response,  # written alongside; imported when used
        )

        return task_table_response(self.filter_queryset(self.get_queryset()))


@extend_schema_view(
    list=extend_schema(summary="List roadmap milestones in your scope"),
    retrieve=extend_schema(summary="One milestone"),
    create=extend_schema(summary="Add a milestone to a task (office staff)"),
    update=extend_schema(summary="Replace a milestone's details (office staff)"),
    partial_update=extend_schema(summary="Change some of a milestone's details (office staff)"),
)
class MilestoneViewSet(CrudViewSet):
    """Roadmap steps (路线图) of tasks. `done_on` changes only through `done` and `undone`,
    which whoever may update the task can call."""

    serializer_class = MilestoneSerializer
    filterset_class = MilestoneFilter
    ordering_fields = ["due_date", "order"]

    def get_queryset(self):
        return selectors.milestones_visible_to(self.request.user).order_by("task_id", "order", "pk")

    def save_with_service(self, milestone, data):
        return services.milestone_save(milestone=assign(milestone, data), actor=self.request.user)

    def _set_done(self, request, done):
        milestone = services.milestone_set_done(
            milestone=self.get_object(), actor=request.user, done=done
        )
        return Response(MilestoneSerializer(milestone, context=self.get_serializer_context()).data)

    @extend_schema(
        summary="Tick a milestone off (today)", request=None, responses=MilestoneSerializer
    )
    @action(detail=True, methods=["post"])
    def done(self, request, pk=None):
        return self._set_done(request, True)

    @extend_schema(summary="Untick a milestone", request=None, responses=MilestoneSerializer)
    @action(detail=True, methods=["post"])
    def undone(self, request, pk=None):
        return self._set_done(request, False)


@extend_schema_view(retrieve=extend_schema(summary="One evidence file's details"))
class EvidenceViewSet(mixins.RetrieveModelMixin, PortalViewSet):
    """Evidence files of progress updates, readable by whoever sees the task."""

    serializer_class = EvidenceSerializer
    filter_backends = []

    def get_queryset(self):
        return Evidence.objects.filter(
            update__task__in=selectors.tasks_visible_to(self.request.user)
        )

    @extend_schema(
        summary="Download an evidence file",
        responses=file_download(EVIDENCE_SIGNATURES, _("The file, as an attachment.")),
    )
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        evidence = self.get_object()
        return stored_file_response(evidence.file, evidence.original_name)
