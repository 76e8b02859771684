"""The lists' page links (templates/_pagination.html) and the feed's summary and page links, each
drawn once per set of what they print ({% memo %}), print what they printed before, kept here
verbatim: every page of a list, a query repeating a filter or needing escaping, a query too long
to be kept, in Chinese and English, drawn fresh, from the memo and plainly."""

import re

import pytest
from django.conf import settings
from django.core.paginator import Paginator
from django.template import Context, RequestContext, Template
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from parks.templatetags import memo
from tests.factories import ActivityFactory

pytestmark = pytest.mark.django_db

# templates/_pagination.html before its memo.
PAGINATION = """{# querystring keeps every value of a repeated filter (kind=a&kind=b) on the next page. #}
{% load i18n %}{% if page.paginator.num_pages > 1 %}
<nav class="mt-3" aria-label="{% translate 'Pages' %}">
  <ul class="pagination">
    {% if page.has_previous %}
    <li class="page-item"><a class="page-link" href="{% querystring page=page.previous_page_number %}">{% translate "Previous" %}</a></li>
    {% endif %}
    <li class="page-item disabled"><span class="page-link">{% blocktranslate with number=page.number total=page.paginator.num_pages %}Page {{ number }} of {{ total }}{% endblocktranslate %}</span></li>
    {% if page.has_next %}
    <li class="page-item"><a class="page-link" href="{% querystring page=page.next_page_number %}">{% translate "Next" %}</a></li>
    {% endif %}
  </ul>
</nav>
{% endif %}
"""  # noqa: E501 verbatim

# The feed's summary and page links (parks/activity_office/feed.html) before their memos.
FEED_SUMMARY = """{% load i18n %}<div class="d-flex flex-wrap justify-content-between align-items-center gap-2 mb-2">
<p class="mb-0 activity-summary" id="feed-summary" data-entries="{{ entries }}" data-participants="{{ participants }}">
  <i class="bi bi-journal-text" aria-hidden="true"></i>
  {% blocktranslate count counter=entries %}{{ counter }} entry{% plural %}{{ counter }} entries{% endblocktranslate %}
  · {% blocktranslate count counter=participants %}{{ counter }} participant{% plural %}{{ counter }} participants{% endblocktranslate %}
</p>
{% if entries and not filter.errors %}<a class="btn btn-sm btn-outline-secondary" id="export-excel" href="{% url 'parks:activity_export' %}{% if feed_query %}?{{ feed_query }}{% endif %}"><i class="bi bi-file-earmark-excel" aria-hidden="true"></i> {% translate "Export Excel" %}</a>{% endif %}
</div>
"""  # noqa: E501 verbatim
FEED_PAGES = """{% load i18n %}{% if page.paginator.num_pages > 1 %}
<nav class="mt-3" aria-label="{% translate 'Pages' %}">
  <ul class="pagination">
    {% if page.has_previous %}<li class="page-item"><a class="page-link" href="{% querystring page=page.previous_page_number %}">{% translate "Previous" %}</a></li>{% endif %}
    <li class="page-item disabled"><span class="page-link">{% blocktranslate with number=page.number total=page.paginator.num_pages %}Page {{ number }} of {{ total }}{% endblocktranslate %}</span></li>
    {% if page.has_next %}<li class="page-item"><a class="page-link" href="{% querystring page=page.next_page_number %}">{% translate "Next" %}</a></li>{% endif %}
  </ul>
</nav>
{% endif %}"""  # noqa: E501 verbatim

QUERIES = (
    {},
    {"kind": ["visit", "care"], "q": '<b>"走访" & 园区</b>'},
    {"q": "长" * 400},  # a query too long to key a memo: drawn every time
)
LANGUAGES = ("en", "zh-hans")


def _drawn(text, request, page):
    return Template(text).render(RequestContext(request, {"page": page}))


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_lists_page_links_are_what_they_were(language):
    paginator = Paginator(range(95), 10)
    with translation.override(language):
        for query in QUERIES:
            for number in (1, 2, 5, 10):
                request = RequestFactory().get("/", {**query, "page": number})
                page = paginator.page(number)
                before = _drawn(PAGINATION, request, page)
                kept = '{% include "_pagination.html" %}'
                with memo.drawn_plainly():
                    assert _drawn(kept, request, page) == before
                assert _drawn(kept, request, page) == before
                assert _drawn(kept, request, page) == before  # from the memo
                assert "<nav" in before and ("page=" in before)
        one = Paginator(range(3), 10).page(1)
        assert _drawn(PAGINATION, RequestFactory().get("/"), one).strip() == ""
        assert _drawn('{% include "_pagination.html" %}', RequestFactory().get("/"), one) == (
            _drawn(PAGINATION, RequestFactory().get("/"), one)
        )


SUMMARY = re.compile(r'<div class="d-flex flex-wrap justify-content-between align-items-center gap-2 mb-2">\n<p class="mb-0 activity-summary".*?</div>\n', re.S)  # fmt: skip # noqa: E501
PAGES = re.compile(r'\n<nav class="mt-3" aria-label="[^"]*">.*?</nav>\n', re.S)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_feeds_summary_and_page_links_are_what_they_were(
    client, office_user, park, liaison, language
):
    ActivityFactory.create_batch(30, park=park, logged_by=liaison, participants=3)
    client.force_login(office_user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    url = reverse("parks:activity_feed")
    queries = (*QUERIES, {"page": "2"}, {"park": "999999"}, {"kind": "no-such-kind"})
    for query in queries:
        with memo.drawn_plainly():
            plainly = client.get(url, query)
        for response in (plainly, client.get(url, query), client.get(url, query)):
            html = response.content.decode()
            context = response.context
            request = RequestFactory().get(url, query)
            with translation.override(language):
                values = {
                    name: context[name]
                    for name in ("entries", "participants", "filter", "feed_query", "page")
                }
                summary = Template(FEED_SUMMARY).render(Context(values))
                pages = Template(FEED_PAGES).render(RequestContext(request, values))
            assert SUMMARY.findall(html) == [summary], query
            assert PAGES.findall(html) == ([pages] if pages else []), query
