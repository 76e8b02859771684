"""Standard replies per category: the office keeps them (page, admin, API), a handling unit's
reply form offers those of the grievance's category for a small script to insert."""

import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from grievances.models import ReplyTemplate
from grievances.replies import reply_template_save
from tests.factories import GrievanceFactory
from tests.grievances import pages_helpers as shared
from tests.grievances.pages_helpers import _html, _in

frozen_now = shared.frozen_now
in_english = shared.in_english
union = shared.union

pytestmark = pytest.mark.django_db

LIST = "/api/v1/grievance-reply-templates/"


@pytest.fixture
def templates():
    return [
        ReplyTemplate.objects.create(
            category="wages", title="已督促补发", text="已督促企业补发工资。"
        ),
        ReplyTemplate.objects.create(
            category="wages", title="转劳动监察", text="已转劳动监察大队。"
        ),
        ReplyTemplate.objects.create(
            category="wages", title="旧答复", text="不再使用。", is_active=False
        ),
        ReplyTemplate.objects.create(category="safety", title="已排除隐患", text="隐患已排除。"),
    ]


def test_the_office_adds_and_edits_standard_replies_on_its_page(client, office_user):
    client.force_login(office_user)
    page = reverse("grievances:reply_templates")
    response = client.post(
        page,
        {"category": "wages", "title": "已督促补发", "text": "已督促企业补发。", "is_active": "on"},
    )
    assert response.status_code == 302
    template = ReplyTemplate.objects.get()
    edit = reverse("grievances:reply_template_edit", args=[template.pk])
    client.post(edit, {"category": "wages", "title": "已督促补发", "text": "已补发到位。"})
    template.refresh_from_db()
    assert (template.text, template.is_active) == ("已补发到位。", False)
    html = _html(client.get(page))
    assert "已补发到位。" in html and "Not in use" in html


def test_a_second_template_of_the_same_title_is_refused_on_the_form(client, office_user, templates):
    client.force_login(office_user)
    html = _html(
        client.post(
            reverse("grievances:reply_templates"),
            {"category": "wages", "title": "已督促补发", "text": "重复。"},
        )
    )
    assert "This category already has a template of that title." in html
    assert ReplyTemplate.objects.count() == 4


def test_others_read_the_page_but_may_not_write(client, member_unit_user, templates):
    client.force_login(member_unit_user)
    html = _html(client.get(reverse("grievances:reply_templates")))
    assert "已督促企业补发工资。" in html and 'id="reply-template-form"' not in html
    denied = client.post(
        reverse("grievances:reply_templates"), {"category": "wages", "title": "x", "text": "y"}
    )
    assert denied.status_code == 403
    edit = reverse("grievances:reply_template_edit", args=[templates[0].pk])
    assert client.get(edit).status_code == 403
    with pytest.raises(PermissionDenied):
        reply_template_save(
            template=ReplyTemplate(category="wages", title="x", text="y"), actor=member_unit_user
        )


def test_a_blank_reply_is_refused(office_user):
    with pytest.raises(ValidationError):
        reply_template_save(
            template=ReplyTemplate(category="wages", title="空", text="   "), actor=office_user
        )


def test_the_units_reply_form_offers_the_categorys_replies_in_use(
    client, member_unit_user, union, park, templates
):
    grievance = _in("accepted", GrievanceFactory(park=park, category="wages"), union)
    client.force_login(member_unit_user)
    html = _html(client.get(reverse("grievances:grievance_act", args=[grievance.pk, "reply"])))
    select = re.search(r'<select name="template".*?</select>', html, re.S).group(0)
    assert 'data-insert-into="reply-note"' in select
    options = re.findall(r'<option value="(\d+)" data-text="([^"]*)">([^<]*)</option>', select)
    assert sorted(options) == sorted(
        [
            (str(templates[0].pk), "已督促企业补发工资。", "已督促补发"),
            (str(templates[1].pk), "已转劳动监察大队。", "转劳动监察"),
        ]
    )
    assert "/static/js/reply_templates.js" in html
    assert "data-insert-into" in Path(finders.find("js/reply_templates.js")).read_text()


def test_sending_the_reply_with_a_template_chosen_saves_the_note(
    client, member_unit_user, union, park, templates
):
    grievance = _in("accepted", GrievanceFactory(park=park, category="wages"), union)
    client.force_login(member_unit_user)
    response = client.post(
        reverse("grievances:grievance_act", args=[grievance.pk, "reply"]),
        {"template": templates[0].pk, "note": "已督促企业补发工资，本周五前到账。"},
    )
    assert response.status_code == 302
    grievance.refresh_from_db()
    assert (grievance.status, grievance.reply) == ("replied", "已督促企业补发工资，本周五前到账。")


def test_a_category_without_replies_shows_no_dropdown(client, member_unit_user, union, park):
    grievance = _in("accepted", GrievanceFactory(park=park, category="illness"), union)
    client.force_login(member_unit_user)
    html = _html(client.get(reverse("grievances:grievance_act", args=[grievance.pk, "reply"])))
    assert 'name="template"' not in html


def test_the_api_lists_them_for_everyone_and_takes_changes_from_the_office(
    api_as, member_unit_user, office_user, templates
):
    listed = api_as(member_unit_user).get(LIST, {"category": "wages"})
    assert listed.status_code == 200
    titles = sorted(row["title"] for row in listed.data["results"])
    assert titles == sorted(["旧答复", "已督促补发", "转劳动监察"])
    refused = api_as(member_unit_user).post(
        LIST, {"category": "wages", "title": "x", "text": "y"}, format="json"
    )
    assert refused.status_code == 403
    made = api_as(office_user).post(
        LIST, {"category": "illness", "title": "已安排就医", "text": "已联系医院。"}, format="json"
    )
    assert made.status_code == 201 and made.data["category"] == "illness"
    bad = api_as(office_user).post(
        LIST, {"category": "nonsense", "title": "x", "text": "y"}, format="json"
    )
    assert bad.status_code == 400
