"""A period's ranking as the office downloads it: the Word notice (情况通报) and the workbook
(红黑榜). Their names and numbers are the ranking's; only the office may download them."""

from decimal import Decimal
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.translation import pgettext
from docx import Document
from openpyxl import load_workbook

from parks.structure.choices import Role
from reforms.assessment import selectors
from reforms.assessment.indicators import INDICATORS
from tests.factories import OrganisationFactory, UserFactory
from tests.reforms.assessment.factories_out import MONTH, SchemeFactory, make_score

pytestmark = pytest.mark.django_db

TASKS = INDICATORS["task_on_time"].term  # 按时完成率
RESPONSE = INDICATORS["response_rate"].term  # 响应率

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
D = Decimal

# The hand-made month: (unit, rank, task_on_time points, response_rate points, adjustment).
# Red list 2, black list 2 of 5: ranks 1-2 red, 4-5 black. 区卫健委 had no grievances: its
# response rate does not apply, and the task figure carries the whole 100.
MONTH_ROWS = [
    ("区人社局", 1, D("57.00"), D("38.00"), D("2.00")),
    ("区总工会", 2, D("55.00"), D("36.50"), D("0")),
    ("区住建局", 3, D("50.00"), D("35.00"), D("0")),
    ("区市场监管局", 4, D("40.00"), D("30.00"), D("0")),
    ("区卫健委", 5, D("30.00"), None, D("-5.00")),
]


@pytest.fixture
def scheme():
    scheme = SchemeFactory(name="2026年度成员单位考核方案")
    for name, rank, task, response, adjustment in MONTH_ROWS:
        make_score(
            scheme,
            OrganisationFactory(name=name),
            rank=rank,
            points={"task_on_time": task, "response_rate": response},
            adjustment=adjustment,
            # One score the office has not published yet: still in its notice.
            published=name != "区住建局",
        )
    return scheme


def _url(name, scheme, kind="month", start=MONTH):
    return reverse(f"reforms:{name}", args=[scheme.pk, kind, f"{start:%Y-%m-%d}"])


def _tables(document):
    return [[[cell.text for cell in row.cells] for row in table.rows] for table in document.tables]


def _docx(client, scheme):
    response = client.get(_url("assessment_notice", scheme))
    assert response.status_code == 200
    assert response["Content-Type"] == DOCX
    assert "filename*=" in response["Content-Disposition"]
    return Document(BytesIO(response.content))


def test_the_notice_names_the_red_and_black_lists_with_the_rankings_numbers(
    client, office_user, scheme
):
    client.force_login(office_user)
    document = _docx(client, scheme)
    red, black, everyone = _tables(document)
    assert red[1:] == [["区人社局", "1", "97.00"], ["区总工会", "2", "91.50"]]
    assert [row[:3] for row in black[1:]] == [
        ["区市场监管局", "4", "70.00"],
        ["区卫健委", "5", "25.00"],
    ]
    # The main shortfalls, most points lost first; an indicator that does not apply is none.
    assert TASKS in black[1][3] and "20.00" in black[1][3]
    assert black[1][3].index(TASKS) < black[1][3].index(RESPONSE)
    assert "10.00" in black[1][3]
    assert TASKS in black[2][3] and "70.00" in black[2][3]
    assert RESPONSE not in black[2][3]
    assert everyone[1:] == [
        ["区人社局", "1", "95.00", "+2.00", "97.00"],
        ["区总工会", "2", "91.50", "0.00", "91.50"],
        ["区住建局", "3", "85.00", "0.00", "85.00"],
        ["区市场监管局", "4", "70.00", "0.00", "70.00"],
        ["区卫健委", "5", "30.00", "-5.00", "25.00"],
    ]
    text = "\n".join(paragraph.text for paragraph in document.paragraphs)
    # The overview: the average of the five totals, the best and the worst.
    assert "73.70" in text and "97.00" in text and "25.00" in text
    assert "2026年度成员单位考核方案" in text
    assert "梁溪区产改办" in text  # the issuer, in the page's language (Chinese)
    assert "2026年10月" in text


def test_the_notice_states_what_the_ranking_selector_states(client, office_user, scheme):
    client.force_login(office_user)
    ranking = selectors.ranking(scheme, "month", MONTH, user=office_user)
    red, black, everyone = _tables(_docx(client, scheme))
    assert [row[0] for row in red[1:]] == [r.score.subject.name for r in ranking.red_rows]
    assert [row[0] for row in black[1:]] == [r.score.subject.name for r in ranking.black_rows]
    assert [(row[0], row[1], row[-1]) for row in everyone[1:]] == [
        (r.score.subject.name, str(r.score.rank), f"{r.score.total:.2f}") for r in ranking.rows
    ]
    for row, ranked in zip(black[1:], ranking.black_rows, strict=True):
        for shortfall in ranked.shortfalls:
            assert shortfall.term in row[3] and f"{shortfall.lost:.2f}" in row[3]


def test_the_notice_uses_the_briefings_layout(client, office_user, scheme):
    client.force_login(office_user)
    document = _docx(client, scheme)
    title = document.paragraphs[0]
    assert title.style.name == "Title"
    assert title.runs[0]._r.rPr.rFonts.get(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia"
    ) == ("方正小标宋简体")
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert len(headings) == 5 and headings[0].startswith("一")
    assert document.sections[0].page_width.mm == pytest.approx(210, abs=0.1)


def test_the_workbook_lists_every_subject_with_the_rankings_numbers(client, office_user, scheme):
    client.force_login(office_user)
    response = client.get(_url("assessment_ranking_xlsx", scheme))
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    sheet = load_workbook(BytesIO(response.content)).worksheets[0]
    header, *rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert header[3:5] == [TASKS, RESPONSE]
    assert [(row[0], row[1]) for row in rows] == [(rank, name) for name, rank, *_rest in MONTH_ROWS]
    by_name = {row[1]: row for row in rows}
    assert by_name["区人社局"][3:8] == [57, 38, 95, 2, 97]
    assert by_name["区卫健委"][3] == 30 and by_name["区卫健委"][5:8] == [30, -5, 25]
    assert isinstance(by_name["区卫健委"][4], str)  # not applicable: not a zero
    ranking = selectors.ranking(scheme, "month", MONTH, user=office_user)
    assert [D(str(row[7])) for row in rows] == [r.score.total for r in ranking.rows]
    listed = {row[1]: row[2] for row in rows}
    red = {r.score.subject.name for r in ranking.red_rows}
    black = {r.score.subject.name for r in ranking.black_rows}
    with translation.override("zh-hans"):  # the page's language
        red_list, black_list = (
            pgettext("assessment", "Red list"),
            pgettext("assessment", "Black list"),
        )
    assert {name for name, value in listed.items() if value == red_list} == red
    assert {name for name, value in listed.items() if value == black_list} == black
    assert listed["区住建局"] is None


def test_only_the_office_downloads_them(client, scheme, subdistrict_user, liaison):
    unit = scheme.scores.first().unit
    staff = UserFactory(role=Role.MEMBER_UNIT, organisation=unit)
    for user in (staff, subdistrict_user, liaison):
        client.force_login(user)
        for name in ("assessment_notice", "assessment_ranking_xlsx"):
            assert client.get(_url(name, scheme)).status_code == 403
    client.logout()
    assert client.get(_url("assessment_notice", scheme)).status_code == 302


@pytest.mark.parametrize(
    ("kind", "start"),
    [
        ("month", "2026-10-02"),  # not the first day of a month
        ("quarter", "2026-11-01"),  # not the first day of a quarter
        ("week", "2026-10-05"),  # not a period the assessment scores
        ("month", "2026-13-01"),
        ("month", "20261001"),
        ("month", "2026-09-01"),  # a month with no scores
        ("quarter", "2026-10-01"),  # a period with no scores
    ],
)
def test_a_period_that_is_not_scored_is_a_404(client, office_user, scheme, kind, start):
    client.force_login(office_user)
    for name in ("assessment_notice", "assessment_ranking_xlsx"):
        url = reverse(f"reforms:{name}", args=[scheme.pk, kind, start])
        assert client.get(url).status_code == 404, url
    missing = reverse("reforms:assessment_notice", args=[987654321, "month", "2026-10-01"])
    assert client.get(missing).status_code == 404


def test_a_tie_at_the_edge_of_a_list_is_on_it_whole(client, office_user):
    """Red and black lists of 1 each: two subjects sharing the best rank are both on the red
    list, two sharing the worst both on the black list, in the notice and in the workbook."""
    scheme = SchemeFactory(red_list_size=1, black_list_size=1)
    for name, rank, task in (("甲", 1, "50"), ("乙", 1, "50"), ("丙", 3, "40"), ("丁", 3, "40")):
        make_score(
            scheme, OrganisationFactory(name=name), rank=rank, points={"task_on_time": D(task)}
        )
    client.force_login(office_user)
    red, black, _everyone = _tables(_docx(client, scheme))
    assert [row[:2] for row in red[1:]] == [["甲", "1"], ["乙", "1"]]
    assert [row[:2] for row in black[1:]] == [["丙", "3"], ["丁", "3"]]
    response = client.get(_url("assessment_ranking_xlsx", scheme))
    rows = list(load_workbook(BytesIO(response.content)).worksheets[0].iter_rows(values_only=True))
    lists = [row[2] for row in rows[1:]]
    assert lists[0] == lists[1] != lists[2] == lists[3]
    assert None not in lists


@pytest.mark.parametrize("name", ["assessment_notice", "assessment_ranking_xlsx"])
def test_a_download_costs_the_same_queries_for_2_and_20_subjects(client, office_user, name):
    client.force_login(office_user)

    def queries(count):
        scheme = SchemeFactory(status="draft")
        for rank in range(1, count + 1):
            points = {"task_on_time": D(60 - rank), "response_rate": D("30")}
            make_score(scheme, OrganisationFactory(), rank=rank, points=points)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(_url(name, scheme)).status_code == 200
        return len(captured)

    assert queries(2) == queries(20)
