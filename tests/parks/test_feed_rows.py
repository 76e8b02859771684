"""The feed's rows are read as columns and drawn once per set of their values ({% memo row=row %},
parks.gridlog.views.feed_rows): they print what the rows drawn from the activity printed
before, kept here verbatim, for every kind, with and without a zone, a place and photos (none,
one, more than three), text needing escaping, for each role that opens the feed, in Chinese
and English; and the same kept as drawn plainly."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from parks.gridlog.choices import ActivityKind
from parks.gridlog.forms import kind_icon
from parks.gridlog.models import ActivityPhoto
from parks.templatetags import memo
from tests.factories import ActivityFactory, UserFactory

pytestmark = pytest.mark.django_db

# The feed's rows as feed.html drew them before they were kept.
ROWS = """{% load i18n activity_badges %}{% for activity in page %}{% with url=activity.get_absolute_url %}
    <li class="list-group-item activity-row" data-activity="{{ activity.pk }}" data-kind="{{ activity.kind }}">
      <div class="d-flex gap-3">
        <div class="activity-row-kind">{% kind_badge activity.kind activity.get_kind_display activity.kind_icon %}</div>
        <div class="flex-grow-1 activity-row-body">
          <a class="fw-semibold text-reset activity-title" href="{{ url }}">{{ activity.title }}</a>
          <div class="small text-secondary activity-where">
            <i class="bi bi-geo-alt" aria-hidden="true"></i> {{ activity.park.name }} ·
            {% if activity.grid_zone %}{{ activity.grid_zone.code }} {{ activity.grid_zone.name }}{% else %}<span class="activity-park-wide">{% translate "park-wide" %}</span>{% endif %}{% if activity.place %} · {{ activity.place }}{% endif %}
          </div>
          <div class="small text-secondary activity-meta">
            <span class="text-nowrap"><i class="bi bi-clock" aria-hidden="true"></i> <time datetime="{{ activity.occurred_at|date:'c' }}">{{ activity.occurred_at|date:"Y-m-d H:i" }}</time></span>
            <span class="text-nowrap activity-participants"><i class="bi bi-people" aria-hidden="true"></i> {% blocktranslate count counter=activity.participants %}{{ counter }} participant{% plural %}{{ counter }} participants{% endblocktranslate %}</span>
            <span class="text-nowrap activity-logged-by"><i class="bi bi-pencil-square" aria-hidden="true"></i> {% blocktranslate with name=activity.logged_by %}logged by {{ name }}{% endblocktranslate %}</span>
          </div>
        </div>
        {% with photos=activity.photos.all %}{% if photos %}
        <a class="activity-thumbs d-none d-sm-flex" href="{{ url }}" aria-label="{% blocktranslate count counter=photos|length %}{{ counter }} photo{% plural %}{{ counter }} photos{% endblocktranslate %}">
          {% for photo in photos|slice:":3" %}<img class="activity-thumb" src="{% url 'parks:activity_photo' photo.pk %}?size=thumb" alt="" width="64" height="64" loading="lazy">{% endfor %}
          {% if photos|length > 3 %}<span class="activity-thumb-more">+{{ photos|length|add:"-3" }}</span>{% endif %}
        </a>
        {% endif %}{% endwith %}
      </div>
    </li>
  {% endwith %}{% endfor %}"""  # noqa: E501 verbatim
FEED = re.compile(r'id="activity-feed">\n(.*?)  </ul>', re.S)
START = datetime(2026, 6, 3, 15, 30, tzinfo=UTC)  # 23:30 in Shanghai: the local day differs


@pytest.fixture
def every_kind_of_row(park, grid_zone, liaison):
    logger = UserFactory(display_name="<记录人>")
    for n, kind in enumerate(ActivityKind.values):
        ActivityFactory(
            park=park,
            grid_zone=grid_zone if n % 2 else None,
            kind=kind,
            title=f"<i>走访</i> {n}",
            place="东门 & 北门" if n % 3 else "",
            participants=n,
            logged_by=logger if n % 2 else liaison,
            occurred_at=START - timedelta(hours=n, minutes=n),
        )
    for count in (1, 5):
        activity = ActivityFactory(park=park, grid_zone=grid_zone, occurred_at=START)
        for n in range(count):
            ActivityPhoto.objects.create(
                activity=activity, image=f"f{n}.jpg", thumbnail=f"t{n}.jpg", width=1, height=1
            )


def _rows_and_page(client, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(reverse("parks:activity_feed"))
    assert response.status_code == 200
    return FEED.search(response.content.decode()).group(1), response.context["page"]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("role", ["office_user", "liaison", "subdistrict_user"])
def test_the_kept_rows_are_the_rows_drawn_before(
    client, every_kind_of_row, request, role, language
):
    client.force_login(request.getfixturevalue(role))
    drawn, page = _rows_and_page(client, language)
    page = list(page)  # the page's activities, as model instances, as the rows were drawn from
    for activity in page:  # what the view gave the rows it drew from the activity
        activity.kind_icon = kind_icon(activity.kind)
    assert drawn.count('class="list-group-item activity-row"') == len(page) > 0
    with translation.override(language):
        assert drawn == "  " + Template(ROWS).render(Context({"page": page})) + "\n"
    assert _rows_and_page(client, language)[0] == drawn  # kept
    with memo.drawn_plainly():
        assert _rows_and_page(client, language)[0] == drawn


def test_every_variant_is_on_the_page(client, every_kind_of_row, office_user):
    client.force_login(office_user)
    drawn, _page = _rows_and_page(client, "en")
    for kind in ActivityKind.values:
        assert f'data-kind="{kind}"' in drawn
    for piece in ("activity-park-wide", "东门 &amp; 北门", "&lt;记录人&gt;", "+2", "1 photo"):
        assert piece in drawn
