"""Paging by cursor, for REST clients that read a whole list page after page.

`PortalPagination` (page numbers, `count/next/previous/results`) stays every list's default:
clients rely on it. Its `?page=1000` costs an OFFSET over 49,950 rows and every page a
COUNT(*) over the whole scope. A big list also answers at `<list>/cursor/`, with the same rows
in the same order and the same filters, as `next/previous/results` without a count: each link
carries the position of the row it continues from (its values of every ordering field, the
primary key last), and the page is the next `page_size` rows after it. An index that serves
the list's ordering then reads the same few rows for page 1 and page 1000.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import F, Field, Model, OrderBy, Q, QuerySet
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import NotFound
from rest_framework.pagination import BasePagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from parks.core.api.reading import read_as_columns_for


@dataclass(frozen=True)
class Term:
    """One field of a list's ordering, with where its empty values go."""

    name: str
    descending: bool
    nulls_last: bool
    nullable: bool

    def order(self, *, reverse: bool = False) -> OrderBy:
        descending = self.descending != reverse
        nulls_last = self.nulls_last != reverse
        if not self.nullable:
            return OrderBy(F(self.name), descending=descending)
        if nulls_last:
            return OrderBy(F(self.name), descending=descending, nulls_last=True)
        return OrderBy(F(self.name), descending=descending, nulls_first=True)

    def after(self, value: Any, *, reverse: bool = False) -> Q | None:
        """The rows that come after `value` in this term's order (before it with `reverse`);
        None when none can."""
        descending = self.descending != reverse
        nulls_last = self.nulls_last != reverse
        if value is None:
            # Past an empty value come the filled ones only where the empty ones go first.
            return None if nulls_last else Q(**{f"{self.name}__isnull": False})
        beyond = Q(**{f"{self.name}__{'lt' if descending else 'gt'}": value})
        if self.nullable and nulls_last:
            beyond |= Q(**{f"{self.name}__isnull": True})
        return beyond

    def equal(self, value: Any) -> Q:
        if value is None:
            return Q(**{f"{self.name}__isnull": True})
        return Q(**{self.name: value})

    def bound(self, value: Any, *, reverse: bool = False) -> Q | None:
        """A plain range on the first term (`>=` or `<=`), implied by `after` but written out so
        that PostgreSQL starts its index scan at the cursor rather than filtering up to it."""
        if value is None or (self.nullable and self.nulls_last != reverse):
            return None
        descending = self.descending != reverse
        return Q(**{f"{self.name}__{'lte' if descending else 'gte'}": value})


def _terms(queryset: QuerySet[Any]) -> list[Term]:
    """The queryset's ordering as Terms, the primary key last (added when missing)."""
    meta = queryset.model._meta
    ordering = list(queryset.query.order_by or meta.ordering)
    terms: list[Term] = []
    for item in ordering:
        if isinstance(item, str):
            name, descending, nulls_last = item.lstrip("-"), item.startswith("-"), None
        elif isinstance(item, OrderBy) and isinstance(item.expression, F):
            name, descending = item.expression.name, item.descending
            nulls_last = True if item.nulls_last else (False if item.nulls_first else None)
        else:
            raise TypeError(f"Cursor paging needs plain fields to order by, not {item!r}")
        name = meta.pk.name if name == "pk" else name
        _output, nullable = _field(queryset, name)
        if nulls_last is None:
            # Where the database puts them unasked: PostgreSQL's empty values sort last.
            nulls_last = not descending
        terms.append(Term(name, descending, nulls_last, nullable=nullable))
    if not any(term.name == meta.pk.name for term in terms):
        descending = terms[-1].descending if terms else False
        terms.append(Term(meta.pk.name, descending, not descending, nullable=False))
    return terms


def _field(queryset: QuerySet[Any], name: str) -> tuple[Field, bool]:
    """The field a term reads and whether it may be empty (a computed value always may)."""
    annotation = queryset.query.annotations.get(name)
    if annotation is not None:
        return annotation.output_field, True
    field = queryset.model._meta.get_field(name)
    return field, field.null


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date | time):
        return value.isoformat()  # to the microsecond, unlike DjangoJSONEncoder
    if isinstance(value, Decimal):
        return str(value)
    return value


class CursorPagination(BasePagination):
    """`next/previous/results`, no count; `cursor` continues from a row, `page_size` as for
    PortalPagination (50 by default, up to 200)."""

    cursor_query_param = "cursor"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    invalid_cursor_message = _("Invalid cursor")

    def paginate_queryset(
        self, queryset: QuerySet[Any], request: Request, view: Any = None
    ) -> list[Any]:
        self.request = request
        self.page_size = self._page_size(request)
        if view is not None:
            # The joined rows the serializer reads a few columns of, read as columns, as a
            # numbered page reads them (PortalPagination).
            queryset = read_as_columns_for(queryset, view.get_serializer_class())
        terms = _terms(queryset)
        backwards, position = self._decode(request, queryset, terms)
        rows = queryset.order_by(*(term.order(reverse=backwards) for term in terms))
        if position is not None:
            rows = rows.filter(self._beyond(terms, position, reverse=backwards))
        page = list(rows[: self.page_size + 1])
        more = len(page) > self.page_size
        page = page[: self.page_size]
        if backwards:
            page.reverse()
        values = [[_plain(self._value(row, term)) for term in terms] for row in page]
        # Forwards, the rows before this page exist when it continued from a cursor; backwards,
        # the rows after it do. Past the page's other end, `more` tells.
        rows_before = more if backwards else position is not None
        rows_after = position is not None if backwards else more
        self.next_position = values[-1] if values and rows_after else None
        self.previous_position = values[0] if values and rows_before else None
        return page

    def get_paginated_response(self, data: Any) -> Response:
        return Response(
            {"next": self.get_next_link(), "previous": self.get_previous_link(), "results": data}
        )

    def get_next_link(self) -> str | None:
        return self._link("next", self.next_position)

    def get_previous_link(self) -> str | None:
        return self._link("previous", self.previous_position)

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        link = {"type": "string", "nullable": True, "format": "uri"}
        return {
            "type": "object",
            "required": ["results"],
            "properties": {
                "next": {**link, "description": _("The next page; null on the last.")},
                "previous": {**link, "description": _("The page before; null on the first.")},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        return [
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": _("Where to continue: copy it from a `next` or `previous` link."),
                "schema": {"type": "string"},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": _("Rows a page (up to %(max)d).") % {"max": self.max_page_size},
                "schema": {"type": "integer"},
            },
        ]

    # --- the cursor --------------------------------------------------------------------------

    def _page_size(self, request: Request) -> int:
        try:
            wanted = int(request.query_params[self.page_size_query_param])
        except (KeyError, ValueError):
            return self.page_size
        return min(wanted, self.max_page_size) if wanted > 0 else self.page_size

    def _value(self, row: Model, term: Term) -> Any:
        return getattr(row, term.name)

    def _beyond(self, terms: list[Term], position: list[Any], *, reverse: bool) -> Q:
        """Rows after `position` (before it with `reverse`): for some term, past its value,
        every term before it equal."""
        beyond = Q(pk__in=[])
        for index, term in enumerate(terms):
            step = term.after(position[index], reverse=reverse)
            if step is None:
                continue
            for earlier, value in zip(terms[:index], position, strict=False):
                step &= earlier.equal(value)
            beyond |= step
        bound = terms[0].bound(position[0], reverse=reverse)
        return beyond if bound is None else bound & beyond

    def _decode(
        self, request: Request, queryset: QuerySet[Any], terms: list[Term]
    ) -> tuple[bool, list[Any] | None]:
        encoded = request.query_params.get(self.cursor_query_param)
        if not encoded:
            return False, None
        try:
            cursor = json.loads(base64.urlsafe_b64decode(encoded.encode("ascii")))
            backwards = cursor["d"] == "previous"
            values = cursor["v"]
            if not isinstance(values, list) or len(values) != len(terms):
                raise ValueError(values)
            position = [
                None if value is None else _field(queryset, term.name)[0].to_python(value)
                for term, value in zip(terms, values, strict=True)
            ]
        except (ValueError, TypeError, KeyError, UnicodeError, binascii.Error, ValidationError):
            raise NotFound(self.invalid_cursor_message) from None
        return backwards, position

    def _link(self, direction: str, position: list[Any] | None) -> str | None:
        if position is None:
            return None
        url = self.request.build_absolute_uri()
        cursor = {"d": direction, "v": position}
        encoded = base64.urlsafe_b64encode(json.dumps(cursor).encode()).decode("ascii")
        url = remove_query_param(url, "page")
        return replace_query_param(url, self.cursor_query_param, encoded)
