"""`bar|plain_bar`: a filter bar as the plain values its {% memo %} keys on, and
`plain|kept_options:number`: a kept select's options, put in at the bar's {% hole %}
(parks.core.filter_bar, templates/_filter_bar.html)."""

from django import template

from parks.core.filter_bar import kept_options, plain_bar

register = template.Library()
register.filter("plain_bar", plain_bar)
register.filter("kept_options", kept_options)
