"""`{{ case.pk|row_url:"grievances:grievance_merge" }}`: `{% url name pk %}` for a row's page,
reversed once per name (parks.core.row_urls.pk_url) rather than once per row of a list."""

from django import template

from parks.core.row_urls import pk_url

register = template.Library()


@register.filter
def row_url(pk: int, viewname: str) -> str:
    return pk_url(viewname, pk)
