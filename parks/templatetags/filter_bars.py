"""`bar|plain_bar`: a filter bar as the plain values its {% memo %} keys on
(parks.core.filter_bar.plain_bar, templates/_filter_bar.html)."""

from django import template

from parks.core.filter_bar import plain_bar

register = template.Library()
register.filter("plain_bar", plain_bar)
