"""Grievances (职工诉求): intake, the workflow steps, timeline, extension requests, mediation
and the rates (三率 and the others of grievances.rates), at /api/v1/grievances/."""

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from grievances import rates as grievance_rates
from grievances import selectors
from grievances import services as grievances_services
from grievances import workflow as grievances_workflow
from grievances.api.rate_serializers import (
    RatesQuerySerializer,
    RatesSerializer,
    rates_query_serializer,
)
from grievances.api.serializers import (
    AssignSerializer,
    ExtensionInputSerializer,
    ExtensionSerializer,
    FollowUpSerializer,
    GrievanceCreateSerializer,
    GrievanceEventSerializer,
    GrievanceSerializer,
    MediationConcludeSerializer,
    MediationOpenSerializer,
    MediationSerializer,
    MediationSessionSerializer,
    MergeSerializer,
    StepNoteSerializer,
    StepRequiredNoteSerializer,
)
from grievances.choices import ACTIONS_NEEDING_NOTE, Action, DataView
from grievances.filters import GrievanceFilter
from grievances.merging import grievance_merge
from grievances.models import Grievance, Mediation
from parks import access
from parks.access.lists import ScopedPlannedListMixin
from parks.core.api.errors import state_conflicts_as_409
from parks.core.api.reading import lookups_as_lists
from parks.core.api.schema import conflict
from parks.core.api.viewsets import CursorListMixin, ReadOnlyViewSet
from parks.core.prefetched import prefetch_planned
from parks.core.prepared import prepared_get

CONFLICT_RESPONSE = conflict(_("The grievance's current state does not allow this step."))
UNMASK_PARAMETER = OpenApiParameter(
    "unmask",
    OpenApiTypes.BOOL,
    description=_(
        "Show personal data unmasked: complainants' name, phone and employer, and a "
        "mediation's parties. Granted only to the district office and the unit handling a "
        "grievance, and every unmasked view is logged. Otherwise they come masked "
        "(张** / 138****5678 / ***)."
    ),
)


def _wants_unmask(request) -> bool:
    return request.query_params.get("unmask", "").strip().lower() in ("true", "1", "yes")


class GrievanceRepresentation:
    """Serialize grievances and mediations as the API shows them: personal data masked unless
    asked and allowed (grievances_services.personal_data_reveal), each view logged."""

    def _context(self, grievances):
        unmasked = grievances_services.personal_data_reveal(
            viewer=self.request.user,
            grievances=grievances,
            asked=_wants_unmask(self.request),
            via=DataView.API,
        )
        return {**self.get_serializer_context(), "unmasked_ids": unmasked}

    def represent(self, grievances, *, many=False):
        items = list(grievances) if many else [grievances]
        context = self._context(items)
        return GrievanceSerializer(items if many else grievances, many=many, context=context).data

    def represent_mediation(self, mediation):
        context = self._context([mediation.grievance])
        return MediationSerializer(mediation, context=context).data


def _as_shown(grievances, *, moments=None):
    """Grievances with their deadline flags and everything the serializer shows, and nothing
    more (no next deadline, no order: one row needs neither)."""
    return (
        selectors.with_deadline_flags(grievances, moments=moments)
        .select_related("park", "grid_zone", "handling_unit", "handler")
        .prefetch_related("attachments")
    )


def _one_shown(user, pk: int):
    """The grievance `pk` as the detail shows it, if `user` sees it: the query get_object runs
    (`get(pk=…)` over _as_shown of the user's scope), compiled once per scope
    (parks.core.prepared; the key holds all the SQL depends on besides the id and the moments:
    access.scope_key)."""

    def shown(now, response_warn, resolution_warn):
        visible = selectors.grievances_visible_to(user)
        shown = _as_shown(visible, moments=(now, response_warn, resolution_warn))
        # Its attachments are read below, by Django's prefetch query compiled once.
        return shown.prefetch_related(None)

    key = ("grievance_detail", access.scope_key(user))
    found = prepared_get(key, shown, pk, *selectors.deadline_moments())
    # Kept as the serializer reads them, as a list page keeps them (reading.lookups_as_lists).
    attachments = lookups_as_lists(("attachments",), GrievanceSerializer)
    prefetch_planned(found, attachments, "grievance_attachments")
    return found


def _fresh(grievance):
    """Re-read a grievance with its deadline flags and everything the serializer shows."""
    return _as_shown(Grievance.objects.filter(pk=grievance.pk)).get()


def _note_for(step):
    return StepRequiredNoteSerializer if step in ACTIONS_NEEDING_NOTE else StepNoteSerializer


def _step_schema(summary, input_serializer):
    return extend_schema(
        summary=summary,
        request=input_serializer,
        responses={200: GrievanceSerializer, 409: CONFLICT_RESPONSE},
        parameters=[UNMASK_PARAMETER],
        filters=False,
    )


@extend_schema_view(
    list=extend_schema(
        summary="List grievances in your scope, most urgent deadline first",
        parameters=[UNMASK_PARAMETER],
    ),
    retrieve=extend_schema(summary="One grievance", parameters=[UNMASK_PARAMETER]),
    cursor=extend_schema(parameters=[UNMASK_PARAMETER]),
)
class GrievanceViewSet(
    CursorListMixin,
    ScopedPlannedListMixin,
    GrievanceRepresentation,
    mixins.CreateModelMixin,
    ReadOnlyViewSet,
):
    """Workers' grievances (职工诉求) in the requesting user's scope.

    `status`, the deadlines and the handling times are read-only: they change through the
    workflow actions (`assign`, `accept`, `return`, `start`, `reply`, `follow-up`, `close`,
    `reopen`, `withdraw`), which follow the workflow map and answer 409 Conflict for a step the
    grievance's status does not allow, and `merge` (the office merges a duplicate into the
    case that goes on: status `merged`, `merged_into` that case). `deadline_flag`,
    `response_breached`, `resolution_breached` and `due_soon` are computed in SQL at the time
    of the request.
    """

    serializer_class = GrievanceSerializer
    filterset_class = GrievanceFilter
    lookup_value_regex = r"\d+"
    ordering_fields = [
        "received_at",
        "response_due_at",
        "resolution_due_at",
        "status",
        "updated_at",
    ]

    # The list's rows (parks.core.api.planned): the inbox of the user's scope at this
    # request's deadline moments.
    def list_queryset(self, now, response_warn, resolution_warn):
        moments = (now, response_warn, resolution_warn)
        return selectors.inbox(user=self.request.user, moments=moments).prefetch_related(
            "attachments"
        )

    def list_values(self):
        return selectors.deadline_moments()

    def get_queryset(self):
        user = self.request.user
        if self.action in ("list", "cursor"):
            return self.listed()
        if self.action == "retrieve":
            # The SQL of the list's query took longer to build than to run for one row.
            return _as_shown(selectors.grievances_visible_to(user))
        # Steps and sub-resources only need the row; the services lock it themselves.
        return selectors.grievances_visible_to(user)

    def filter_queryset(self, queryset):
        # One grievance asked for with no filter in its query: the list's filters would leave
        # its row as it is, and building them (a form and three scoped choice querysets) cost
        # more CPU than reading the row. With a filter given, it applies as before.
        if self.action == "retrieve" and not set(self.request.query_params) - {"unmask"}:
            return queryset
        return super().filter_queryset(queryset)

    def get_serializer_class(self):
        if self.action == "create":
            return GrievanceCreateSerializer
        return GrievanceSerializer

    def get_object(self):
        # One grievance with no filter (filter_queryset): its query compiled once per scope.
        # Everything else get_object does stays: the 404 outside the scope, the object
        # permissions.
        pk = self.kwargs.get(self.lookup_field, "")
        if (
            self.action != "retrieve"
            or set(self.request.query_params) - {"unmask"}
            or not pk.isdecimal()
        ):
            return super().get_object()
        found = _one_shown(self.request.user, int(pk))
        if not found:
            raise Http404
        if len(found) > 1:
            raise Grievance.MultipleObjectsReturned
        self.check_object_permissions(self.request, found[0])
        return found[0]

    def list(self, request, *args, **kwargs):
        grievances = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(grievances)
        if page is None:
            return Response(self.represent(grievances, many=True))
        return self.get_paginated_response(self.represent(page, many=True))

    def retrieve(self, request, *args, **kwargs):
        return Response(self.represent(self.get_object()))

    @extend_schema(
        summary="Log a grievance (office anywhere; liaisons and park managers in their park)",
        request={
            "multipart/form-data": GrievanceCreateSerializer,
            "application/json": GrievanceCreateSerializer,
        },
        responses={201: GrievanceSerializer},
        parameters=[UNMASK_PARAMETER],
    )
    def create(self, request, *args, **kwargs):
        data = GrievanceCreateSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        files = fields.pop("attachments", None) or []
        grievance = grievances_services.grievance_receive(
            grievance=Grievance(**fields), actor=request.user, files=files
        )
        return Response(self.represent(_fresh(grievance)), status=status.HTTP_201_CREATED)

    # --- Workflow steps: POST /grievances/{id}/<step>/ ------------------------------------------

    def _step(self, request, service, input_serializer):
        """Run one step's service with the step's input; a step the state refuses is a 409."""
        grievance = self.get_object()
        data = input_serializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        grievance = state_conflicts_as_409(
            lambda: service(grievance=grievance, actor=request.user, **data.validated_data)
        )
        return Response(self.represent(_fresh(grievance)))

    @_step_schema("Assign to a unit (office; received or returned → assigned)", AssignSerializer)
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        return self._step(request, grievances_workflow.grievance_assign, AssignSerializer)

    @_step_schema(
        "Accept (the handling unit; assigned → accepted; the response time)",
        _note_for(Action.ACCEPT),
    )
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        return self._step(request, grievances_workflow.grievance_accept, _note_for(Action.ACCEPT))

    @_step_schema("Return to the office, saying why (the handling unit)", _note_for(Action.RETURN))
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_to_office(self, request, pk=None):
        return self._step(request, grievances_workflow.grievance_return, _note_for(Action.RETURN))

    @_step_schema(
        "Start handling (the handling unit; accepted → in progress)", _note_for(Action.START)
    )
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        return self._step(request, grievances_workflow.grievance_start, _note_for(Action.START))

    @_step_schema(
        "Reply to the worker (the handling unit; the resolution time)", _note_for(Action.REPLY)
    )
    @action(detail=True, methods=["post"])
    def reply(self, request, pk=None):
        return self._step(request, grievances_workflow.grievance_reply, _note_for(Action.REPLY))

    @_step_schema(
        "Record the follow-up call and the worker's satisfaction (office)", FollowUpSerializer
    )
    @action(detail=True, methods=["post"], url_path="follow-up", url_name="follow-up")
    def follow_up(self, request, pk=None):
        return self._step(request, grievances_workflow.grievance_follow_up, FollowUpSerializer)

    @_step_schema("Close (office; followed up and satisfied → closed)", _note_for(Action.CLOSE))
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        return self._step(request, grievances_workflow.grievance_close, _note_for(Action.CLOSE))

    @_step_schema(
        "Reopen after an unsatisfied follow-up, saying why (office)", _note_for(Action.REOPEN)
    )
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        return self._step(request, grievances_workflow.grievance_reopen, _note_for(Action.REOPEN))

    @_step_schema(
        "Withdraw on the worker's behalf, saying why (office)", _note_for(Action.WITHDRAW)
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        return self._step(
            request, grievances_workflow.grievance_withdraw, _note_for(Action.WITHDRAW)
        )

    @_step_schema(
        "Merge this likely duplicate into another grievance of the same park (office); the "
        "worker's tracking code then follows that case",
        MergeSerializer,
    )
    @action(detail=True, methods=["post"])
    def merge(self, request, pk=None):
        grievance = self.get_object()
        data = MergeSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        state_conflicts_as_409(
            lambda: grievance_merge(
                duplicate=grievance,
                survivor=data.validated_data["into"],
                actor=request.user,
                note=data.validated_data.get("note", ""),
            )
        )
        return Response(self.represent(_fresh(grievance)))

    # --- Timeline, extensions, mediation -------------------------------------------------------

    @extend_schema(
        summary="The grievance's timeline, oldest first",
        responses=GrievanceEventSerializer(many=True),
        filters=False,
    )
    @action(detail=True, methods=["get"], pagination_class=None)
    def events(self, request, pk=None):
        grievance = self.get_object()
        events = grievance.events.select_related("actor").order_by("at", "pk")
        return Response(
            GrievanceEventSerializer(events, many=True, context=self.get_serializer_context()).data
        )

    @extend_schema(
        methods=["GET"],
        summary="Extension requests of the grievance, newest first",
        responses=ExtensionSerializer(many=True),
        filters=False,
    )
    @extend_schema(
        methods=["POST"],
        summary="Ask the office for more days to resolve (the handling unit)",
        request=ExtensionInputSerializer,
        responses={201: ExtensionSerializer, 409: CONFLICT_RESPONSE},
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def extensions(self, request, pk=None):
        grievance = self.get_object()
        if request.method == "GET":
            extensions = grievance.extensions.select_related("requested_by").order_by(
                "-requested_at", "-pk"
            )
            return Response(ExtensionSerializer(extensions, many=True).data)
        data = ExtensionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        extension = state_conflicts_as_409(
            lambda: grievances_services.extension_request(
                grievance=grievance, actor=request.user, **data.validated_data
            )
        )
        return Response(ExtensionSerializer(extension).data, status=status.HTTP_201_CREATED)

    def _mediation_of(self, grievance):
        mediation = (
            Mediation.objects.filter(grievance=grievance)
            .select_related("mediator", "grievance")
            .prefetch_related("sessions")
            .first()
        )
        if mediation is None:
            raise NotFound(_("This grievance has no mediation."))
        return mediation

    @extend_schema(
        methods=["GET"],
        summary="The grievance's mediation with its sessions and the 15-day clock",
        responses=MediationSerializer,
        parameters=[UNMASK_PARAMETER],
        filters=False,
    )
    @extend_schema(
        methods=["POST"],
        summary="Open mediation of a dispute (the handling unit or the office)",
        request=MediationOpenSerializer,
        responses={201: MediationSerializer, 409: CONFLICT_RESPONSE},
        parameters=[UNMASK_PARAMETER],
    )
    @action(detail=True, methods=["get", "post"])
    def mediation(self, request, pk=None):
        grievance = self.get_object()
        if request.method == "GET":
            return Response(self.represent_mediation(self._mediation_of(grievance)))
        data = MediationOpenSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        mediation = state_conflicts_as_409(
            lambda: grievances_services.mediation_open(
                grievance=grievance, actor=request.user, **data.validated_data
            )
        )
        return Response(
            self.represent_mediation(self._mediation_of(mediation.grievance)),
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        summary="Record a mediation session",
        request=MediationSessionSerializer,
        responses={201: MediationSerializer, 409: CONFLICT_RESPONSE},
        parameters=[UNMASK_PARAMETER],
        filters=False,
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="mediation/sessions",
        url_name="mediation-sessions",
    )
    def mediation_sessions(self, request, pk=None):
        mediation = self._mediation_of(self.get_object())
        data = MediationSessionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        state_conflicts_as_409(
            lambda: grievances_services.mediation_session_add(
                mediation=mediation, actor=request.user, **data.validated_data
            )
        )
        return Response(
            self.represent_mediation(self._mediation_of(mediation.grievance)),
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        summary="Conclude the mediation: agreement, referred to arbitration, or withdrawn",
        request=MediationConcludeSerializer,
        responses={200: MediationSerializer, 409: CONFLICT_RESPONSE},
        parameters=[UNMASK_PARAMETER],
        filters=False,
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="mediation/conclude",
        url_name="mediation-conclude",
    )
    def mediation_conclude(self, request, pk=None):
        mediation = self._mediation_of(self.get_object())
        data = MediationConcludeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        values.setdefault("concluded_on", timezone.localdate())
        state_conflicts_as_409(
            lambda: grievances_services.mediation_conclude(
                mediation=mediation, actor=request.user, **values
            )
        )
        return Response(self.represent_mediation(self._mediation_of(mediation.grievance)))

    # --- The three rates -----------------------------------------------------------------------

    @extend_schema(
        summary="The grievance rates (三率 and the others) and the survey funnel for a scope "
        "and period",
        description=(
            "Counts and rates over the grievances you may see, received in the period "
            "(`from`/`to`, inclusive, in the portal's time zone) and narrowed by `park`, "
            "`subdistrict`, `grid_zone` and `unit`. Withdrawn grievances are not counted. "
            "A grievance whose response (resolution) deadline has not passed and that has not "
            "been responded to (resolved) is pending: counted apart, never a failure. "
            "Rates are percentages with one decimal, null when their denominator is 0. "
            "Each figure's definition is in its field's description and, in the fixed Chinese "
            "of the reports' workbooks (口径), in `definitions`:\n\n"
            + "\n".join(
                f"* `{rate.key}` ({rate.term}): {rate.basis}" for rate in grievance_rates.RATES
            )
            + "\n\n`groups` breaks the same numbers down by `group_by`. `funnel`: survey "
            "campaigns held in the period in the parks of the scope (handed out, returned) and "
            "the opinions logged from surveys among the grievances counted (withdrawn ones "
            "not counted), and how many of them were rectified."
        ),
        parameters=[RatesQuerySerializer],
        responses={200: RatesSerializer},
        filters=False,
    )
    @action(detail=False, methods=["get"], pagination_class=None, filter_backends=[])
    def rates(self, request):
        query = rates_query_serializer(request.query_params)(
            data=request.query_params, context={"request": request}
        )
        query.is_valid(raise_exception=True)
        params = query.validated_data
        counted = selectors.rates_for(
            request.user,
            selectors.RateScope(
                park=params.get("park"),
                subdistrict=params.get("subdistrict"),
                grid_zone=params.get("grid_zone"),
                unit=params.get("unit"),
                start=params.get("from"),
                last=params.get("to"),
            ),
        )
        group = params.get("group_by")
        return Response(
            {
                "definitions": grievance_rates.DEFINITIONS,
                "totals": counted.totals,
                "groups": _rate_groups(counted, group) if group else [],
                "funnel": counted.funnel,
            }
        )


def _rate_groups(counted, group):
    key_field, label_field = selectors.RATE_GROUPS[group]
    groups = []
    for row in selectors.rates_by(counted.grievances, group, now=counted.now):
        key = row.pop(key_field)
        label = row.pop(label_field) if label_field else None
        if group == "month":
            key = label = timezone.localtime(key).strftime("%Y-%m")
        groups.append({"key": None if key is None else str(key), "label": label, **row})
    return groups
