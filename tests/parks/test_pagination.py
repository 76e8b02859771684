"""The shared pager keeps the filters of the page it is on, repeated ones included."""

from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.test import RequestFactory


def test_the_next_page_keeps_every_value_of_a_repeated_filter():
    request = RequestFactory().get("/activities/", {"kind": ["care", "forum"], "q": "送清凉"})
    page = Paginator(list(range(30)), 10).page(2)

    html = render_to_string("_pagination.html", {"page": page}, request=request)

    assert "kind=care&amp;kind=forum" in html
    assert "page=3" in html and "page=1" in html
    assert "q=%E9%80%81%E6%B8%85%E5%87%89" in html
