"""A page as the tests that compare two drawings of it read it (a fast path and the plain one)."""

import re

from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext


def page_as(client, user, url, language) -> tuple[int, str, list[str]]:
    """The status, the HTML and the SQL of `url` as `user` reads it in `language`; the HTML
    without what differs on every request whatever draws it (the CSP nonce, the masked CSRF
    token)."""
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    html = response.content.decode()
    html = re.sub(r'nonce="[^"]+"', 'nonce=""', html)
    html = re.sub(r'(csrfmiddlewaretoken" value=)"[^"]+"', r'\1""', html)
    return response.status_code, html, [query["sql"] for query in captured]


# A planned prefetch's condition (parks.core.prefetched.AnyOf) and its values.
PLANNED_PREFETCH = re.compile(r"= ANY\('\{([0-9,-]+)\}'::[a-z]+\[\]\)")


def as_django_writes_it(sql: str) -> str:
    """`sql` with each planned prefetch's `= ANY('{a,b}'::bigint[])` as Django's `IN (a, b)`."""
    return PLANNED_PREFETCH.sub(lambda found: f"IN ({', '.join(found.group(1).split(','))})", sql)
