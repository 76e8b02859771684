"""`bar|plain_bar`: a filter bar as the plain values its {% memo %} keys on, and
`{% filter filled_options:plain %}`: the kept options' markup put in the drawn bar
(parks.core.filter_bar, templates/_filter_bar.html)."""

from django import template

from parks.core.filter_bar import filled_options, plain_bar

register = template.Library()
register.filter("plain_bar", plain_bar)
register.filter("filled_options", filled_options)
