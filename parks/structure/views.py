"""Browser pages for parks, grid zones, facilities, people and API tokens.

Every object is fetched through the scope selectors, so an object outside the user's scope is a
404 whether it exists or not. Saving goes through the services.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from knox.models import AuthToken

from parks import access
from parks import access as parks_access
from parks.core.filter_bar import filter_bar
from parks.core.prepared import prepared, prepared_get
from parks.core.view_helpers import paginate, save_form
from parks.structure import park_page, services
from parks.structure import selectors as structure_selectors
from parks.structure.choice_labels import PERSON_COLUMNS, person_name
from parks.structure.filters import ParkFilter
from parks.structure.forms import (
    ApiTokenForm,
    FacilityForm,
    GridZoneForm,
    ParkForm,
    PeopleSearchForm,
    PersonForm,
)
from parks.structure.models import GRID_ZONE_ROUTE, GridZone, Industry, Park, User

PAGE_SIZE = 25


def _form_page(request, form, title, cancel_url, *, park=None):
    context = {"form": form, "title": title, "cancel_url": cancel_url, "park": park}
    # An existing record's page shows its change history under the form.
    context["history_of"] = getattr(form, "instance", None)
    return render(request, "parks/form_page.html", context)


@login_required
def park_list(request):
    park_filter = ParkFilter(
        request.GET, queryset=structure_selectors.park_list(user=request.user), request=request
    )
    page = paginate(request, park_filter.qs)
    return render(
        request,
        "parks/park_list.html",
        {
            "filter": park_filter,
            "bar": filter_bar(park_filter),
            "page": page,
            "can_create": access.may_create_parks(request.user),
        },
    )


def _visible_park(user, pk: int) -> Park:
    """The park `pk` with its subdistrict, if `user` sees it, else a 404: the query
    get_object_or_404 runs over the user's parks, compiled once per scope (parks.core.prepared;
    the key holds what the SQL depends on besides the id: access.scope_key)."""

    found = prepared_get(
        ("park_detail", access.scope_key(user)),
        lambda: parks_access.parks_visible_to(user).select_related("subdistrict"),
        pk,
    )
    if len(found) != 1:  # none (a park's id is unique)
        raise Http404
    return found[0]


def _industries_of_park(pk):
    # The query park.industries.all() runs (the related manager's filter, in Industry's
    # order): one park's industries need no prefetch, whose plan (Django's
    # lookups, the rows assigned to the park) cost twice the query's own Python.
    return Industry.objects.filter(parks__id=pk)


# What ZoneRow prints of a grid zone and its liaison (person_name's columns: User.__str__).
ZONE_ROW_COLUMNS = ("pk", "code", "name", "liaison_id", *(f"liaison__{c}" for c in PERSON_COLUMNS))


def _zone_rows_of_park(pk):
    # The park's zones (structure_selectors.grid_zones_of_park, each with its liaison: the LEFT
    # JOIN select_related makes) as the columns ZoneRow prints, not some forty columns of two
    # tables made into twenty model instances.
    return structure_selectors.grid_zones_of_park(pk).values_list(*ZONE_ROW_COLUMNS)


@dataclass(frozen=True)
class ZoneRow:
    """A grid zone as the park page's table prints it (its id, for its address, code, name and
    liaison's name, None for no liaison): values `{% memo %}` can key, so the table is drawn
    once per set of rows (parks.templatetags.memo), not some fifteen nodes a row on every
    request; its addresses too are made when it is drawn (the memo is keyed on the URL conf and
    script prefix besides the ids)."""

    pk: int
    code: str
    name: str
    liaison: str | None

    @classmethod
    def of(cls, zone: GridZone) -> "ZoneRow":
        liaison = zone.liaison
        return cls(
            pk=zone.pk,
            code=zone.code,
            name=zone.name,
            liaison=None if liaison is None else str(liaison),
        )

    @classmethod
    def of_columns(cls, pk, code, name, liaison_id, *person) -> "ZoneRow":
        """ZoneRow.of for a zone read as ZONE_ROW_COLUMNS."""
        return cls(
            pk=pk,
            code=code,
            name=name,
            liaison=None if liaison_id is None else person_name(*person),
        )


def _park_rows(park: Park) -> tuple[list, tuple[ZoneRow, ...], list, list]:
    """The park's industries, grid zones (as the table's rows), facilities and organisations,
    as its related manager and structure_selectors read them (park.industries,
    grid_zones_of_park, facilities_of_park, organisations_of_park), each query compiled once:
    nothing of their SQL depends on the user (the page's park is read within the user's scope
    above) or on anything but the park's id."""
    zones = prepared("park_grid_zone_rows", _zone_rows_of_park, park.pk)
    return (
        list(prepared("park_industries", _industries_of_park, park.pk)),
        tuple(ZoneRow.of_columns(*zone) for zone in zones),
        list(prepared("park_facilities", structure_selectors.facilities_of_park, park.pk)),
        list(prepared("park_organisations", structure_selectors.organisations_of_park, park.pk)),
    )


@login_required
def park_detail(request, pk):
    park = _visible_park(request.user, pk)
    industries, zone_rows, facilities, organisations = _park_rows(park)
    return render(
        request,
        "parks/park_detail.html",
        {
            "park": park,
            # The header, facts, zones and facilities as values their memos key.
            **park_page.shown(park, industries, facilities, organisations),
            "zone_rows": zone_rows,
            "zone_route": GRID_ZONE_ROUTE,
            "can_manage": access.may_manage_park(request.user, park),
            "can_print_posters": access.may_print_posters(request.user, park),
        },
    )


def _park_form_page(request, park, *, is_new):
    form = ParkForm(request.POST or None, instance=park, user=request.user)
    if request.method == "POST" and form.is_valid():
        park = form.save(commit=False)
        saved = save_form(
            form,
            lambda: services.park_save(
                park=park, industries=form.cleaned_data["industries"], actor=request.user
            ),
        )
        if saved:
            messages.success(request, _("Park “%(name)s” saved.") % {"name": saved.name})
            return redirect(saved)
    title = _("New park") if is_new else _("Edit %(name)s") % {"name": park.name}
    cancel_url = reverse("parks:park_list") if is_new else park.get_absolute_url()
    return _form_page(request, form, title, cancel_url, park=None if is_new else park)


@login_required
def park_create(request):
    if not access.may_create_parks(request.user):
        raise PermissionDenied
    return _park_form_page(request, Park(), is_new=True)


@login_required
def park_edit(request, pk):
    park = get_object_or_404(parks_access.parks_visible_to(request.user), pk=pk)
    if not access.may_manage_park(request.user, park):
        raise PermissionDenied
    return _park_form_page(request, park, is_new=False)


@login_required
def grid_zone_detail(request, pk):
    grid_zone = get_object_or_404(
        parks_access.grid_zones_visible_to(request.user).select_related(
            "park__subdistrict", "liaison"
        ),
        pk=pk,
    )
    return render(
        request,
        "parks/grid_zone_detail.html",
        {
            "grid_zone": grid_zone,
            "park": grid_zone.park,
            "can_manage": access.may_manage_park(request.user, grid_zone.park),
        },
    )


def _managed_park(request, park_pk):
    park = get_object_or_404(parks_access.parks_visible_to(request.user), pk=park_pk)
    if not access.may_manage_park(request.user, park):
        raise PermissionDenied
    return park


def _grid_zone_form_page(request, park, grid_zone):
    form = GridZoneForm(request.POST or None, instance=grid_zone, park=park)
    if request.method == "POST" and form.is_valid():
        saved = save_form(
            form,
            lambda: services.grid_zone_save(grid_zone=form.save(commit=False), actor=request.user),
        )
        if saved:
            messages.success(request, _("Grid zone %(code)s saved.") % {"code": saved.code})
            return redirect(saved)
    title = (
        _("New grid zone in %(park)s") % {"park": park.name}
        if grid_zone is None
        else _("Edit grid zone %(code)s") % {"code": grid_zone.code}
    )
    return _form_page(request, form, title, park.get_absolute_url(), park=park)


@login_required
def grid_zone_create(request, park_pk):
    return _grid_zone_form_page(request, _managed_park(request, park_pk), None)


@login_required
def grid_zone_edit(request, pk):
    grid_zone = get_object_or_404(parks_access.grid_zones_visible_to(request.user), pk=pk)
    park = _managed_park(request, grid_zone.park_id)
    return _grid_zone_form_page(request, park, grid_zone)


def _facility_form_page(request, park, facility):
    form = FacilityForm(request.POST or None, instance=facility, park=park)
    if request.method == "POST" and form.is_valid():
        saved = save_form(
            form,
            lambda: services.facility_save(facility=form.save(commit=False), actor=request.user),
        )
        if saved:
            messages.success(request, _("Facility “%(name)s” saved.") % {"name": saved.name})
            return redirect(park)
    title = (
        _("New facility in %(park)s") % {"park": park.name}
        if facility is None
        else _("Edit facility %(name)s") % {"name": facility.name}
    )
    return _form_page(request, form, title, park.get_absolute_url(), park=park)


@login_required
def facility_create(request, park_pk):
    return _facility_form_page(request, _managed_park(request, park_pk), None)


@login_required
def facility_edit(request, pk):
    facility = get_object_or_404(parks_access.facilities_visible_to(request.user), pk=pk)
    park = _managed_park(request, facility.park_id)
    return _facility_form_page(request, park, facility)


# --- People ---------------------------------------------------------------------------------


def _require_people_manager(request):
    if not access.may_manage_people(request.user):
        raise PermissionDenied


@login_required
def people_list(request):
    _require_people_manager(request)
    # The page's own ids (people-q, people-role), not the person form's.
    search = PeopleSearchForm(request.GET or None, auto_id="people-%s")
    criteria = search.cleaned_data if search.is_valid() else {}
    people = structure_selectors.people_list(
        search=criteria.get("q", ""), role=criteria.get("role", "")
    )
    return render(
        request,
        "parks/people_list.html",
        {"page": paginate(request, people), "search": search, "bar": filter_bar(search)},
    )


def _person_form_page(request, person):
    form = PersonForm(request.POST or None, instance=person)
    if request.method == "POST" and form.is_valid():
        saved = save_form(
            form,
            lambda: services.user_save(
                user=form.save(commit=False),
                actor=request.user,
                password=form.cleaned_data.get("password") or None,
            ),
        )
        if saved:
            messages.success(request, _("%(name)s saved.") % {"name": saved})
            return redirect("parks:people_list")
    title = _("New person") if person.pk is None else _("Edit %(name)s") % {"name": person}
    return _form_page(request, form, title, reverse("parks:people_list"))


@login_required
def person_create(request):
    _require_people_manager(request)
    return _person_form_page(request, User())


@login_required
def person_edit(request, pk):
    _require_people_manager(request)
    return _person_form_page(request, get_object_or_404(User, pk=pk))


# --- API tokens -----------------------------------------------------------------------------


@login_required
def api_tokens(request):
    form = ApiTokenForm(request.POST or None, user=request.user)
    new_key = None
    if request.method == "POST" and form.is_valid():
        owner = form.cleaned_data.get("owner") or request.user
        created = save_form(
            form,
            lambda: services.api_token_create(
                owner=owner, actor=request.user, days=form.cleaned_data["days"]
            ),
        )
        if created:
            _token, new_key = created
            messages.success(request, _("Token created for %(name)s.") % {"name": owner})
    tokens = AuthToken.objects.select_related("user").order_by("-created")
    if not access.may_manage_tokens_of_others(request.user):
        tokens = tokens.filter(user=request.user)
    return render(
        request,
        "parks/api_tokens.html",
        {"form": form, "tokens": tokens, "new_key": new_key},
    )


@login_required
@require_POST
def api_token_revoke(request, digest):
    tokens = AuthToken.objects.all()
    if not access.may_manage_tokens_of_others(request.user):
        tokens = tokens.filter(user=request.user)
    token = get_object_or_404(tokens, digest=digest)
    services.api_token_revoke(token=token, actor=request.user)
    messages.success(request, _("Token revoked."))
    return redirect("parks:api_tokens")
