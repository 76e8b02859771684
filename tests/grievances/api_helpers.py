"""Fixtures and helpers shared by the grievance API tests."""

import pytest

from tests.factories import GrievanceFactory

JPG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64


LIST = "/api/v1/grievances/"


def url(grievance, step=""):
    return f"{LIST}{grievance.pk}/{step + '/' if step else ''}"


@pytest.fixture
def unit(member_unit_user):
    return member_unit_user.organisation


@pytest.fixture
def assigned(park, unit):
    return GrievanceFactory(park=park, status="assigned", handling_unit=unit)


def _payload(park, **fields):
    return {
        "park": park.pk,
        "channel": "gm_mailbox",
        "category": "wages",
        "title": "拖欠工资",
        "description": "两个月没发工资。",
        "complainant_name": "王小明",
        "complainant_phone": "13912345678",
        "complainant_employer": "某某建材商行",
        **fields,
    }
