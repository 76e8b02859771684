"""Django admin: every parks model has a list, an add form and a change form that open."""

import pytest
from django.contrib import admin
from django.urls import reverse

from parks.structure.models import (
    Facility,
    GridZone,
    Industry,
    Organisation,
    Park,
    Subdistrict,
    User,
)
from tests.factories import FacilityFactory, IndustryFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

MODELS = [Subdistrict, Industry, Park, Organisation, User, GridZone, Facility]


def test_every_parks_model_is_registered():
    assert all(admin.site.is_registered(model) for model in MODELS)


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_the_admin_pages_of_each_model_open(admin_client, model, grid_zone):
    FacilityFactory(park=grid_zone.park)
    IndustryFactory()
    OrganisationFactory(kind="park_committee", park=grid_zone.park)
    opts = model._meta
    changelist = admin_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
    assert changelist.status_code == 200
    assert (
        admin_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add")).status_code
        == 200
    )
    row = model.objects.first()
    change = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[row.pk])
    assert admin_client.get(change).status_code == 200


def test_the_admin_park_list_filters_by_pilot_status(admin_client, park, other_park):
    park.pilot_status = "candidate"
    park.designation_year = None
    park.save()
    response = admin_client.get(
        reverse("admin:parks_park_changelist"), {"pilot_status__exact": "candidate"}
    )
    assert response.context["cl"].result_count == 1
