"""`{% memo name=value … %}…{% endmemo %}`: a fragment drawn once per process for each set of
its inputs, then copied.

The Django template engine costs a few microseconds per node; the layout's menu is some two
hundred nodes on every page, and a list's row some forty, while what they print changes only
with a handful of values. Correct by construction: the body is rendered in a context holding
ONLY the named values, so nothing else it could read exists for it, and the fragment is keyed
on those values together with the ambient inputs every template reads implicitly (the active
language, the current time zone, the URL conf and script prefix the `{% url %}` tags reverse
with). A value the body uses but the tag does not name renders as empty, as a missing variable
always does, which the pinning tests (tests/parks/test_memo.py and the pages' own) would show.

A fragment is kept only when each named value is a string, a whole number, a boolean, None,
or a tuple or frozen dataclass of these (parks.access.Navigation, a list's row), each keyed with
its type: equal values that print differently (True and 1, a safe string and a plain one) never
share an entry. Any other value (a model instance, whose fields may change under the same key,
a Decimal, a list) is drawn every time, the same way, and never kept. `{% csrf_token %}`,
`{% now %}`, a time left and anything else that changes while its named values do not must
stay outside a memo (the inbox's rows keep their time left after theirs), or in a hole:

`{% hole name=value … %}…{% endhole %}` inside a memo's body is drawn on every request, in the
page's context with its named values on top (read from the memo's values when the fragment was
drawn, as a loop's row). The fragment is kept cut at its holes: a modal's frame around the
request's CSRF input and its form, a filter bar around its selects' options kept on their own.
A hole met outside a memo's drawing is drawn in place.
"""

import dataclasses
import secrets
from operator import attrgetter

from django import template
from django.template.base import Node, NodeList, Parser, Token, token_kwargs
from django.template.context import Context
from django.template.loader_tags import BlockNode
from django.utils.safestring import SafeString, mark_safe

from parks.core import kept as keeping
from parks.core.kept import ambient, drawn_plainly, kept  # noqa: F401 (the memo's own names)
from parks.core.recent import Recent

register = template.Library()

# The layout's fragments (a few per role and language) stay, read on every page; the rest are a
# page's rows (the inbox's, the feed's: 25–50 a page) and a record's cards (a grievance's facts,
# timeline, history cards and modal frames: ~10; a history panel: itself and each of its up to 20
# events; a park page: 3), mostly 1–4 KB each. The least recently drawn are forgotten first; a
# miss costs one ordinary render. Entries, not bytes: ~4,096 × a few KB is tens of MB a worker at
# most, beside the ~57 MB of compiled plans (docs/scaling.md).
_drawn = Recent(4096)


PLAIN_TYPES = frozenset({str, SafeString, int, bool, type(None)})
# A text longer than this (a query string as the request sent it, say), or a tuple of more
# items than this (a filter's values repeated in the query string), is drawn every time: the
# kept fragments are bounded in number (_drawn), and these bound what a request can put in a
# key, and so in the fragment drawn from it; no request can fill a worker's memory with
# fragments of its own making.
LONGEST_KEPT_TEXT = 300
LONGEST_KEPT_TUPLE = 64


def _key(value: object) -> tuple | None:
    """`value` with its type, or None when it cannot be kept (see the module's docstring)."""
    kind = type(value)
    if kind in PLAIN_TYPES:
        if (kind is str or kind is SafeString) and len(value) > LONGEST_KEPT_TEXT:  # type: ignore[arg-type]
            return None
        return (kind, value)
    if kind is tuple:
        if len(value) > LONGEST_KEPT_TUPLE:  # type: ignore[arg-type]
            return None
        keys = tuple(_key(item) for item in value)  # type: ignore[attr-defined]
        return None if None in keys else (kind, keys)
    frozen = _frozen_fields(kind)
    if frozen is None:
        return None
    read, count = frozen
    fields = () if count == 0 else (read(value),) if count == 1 else read(value)
    # A list's row: a dozen plain fields, keyed as (its class, its values, their types): the
    # same as each value with its type, built without a tuple per field. A key of three parts
    # never equals one of two (the nested way, below).
    types = tuple(map(type, fields))
    if PLAIN_TYPES.issuperset(types):
        for field, field_type in zip(fields, types, strict=True):
            if (field_type is str or field_type is SafeString) and len(field) > LONGEST_KEPT_TEXT:
                return None
        return (kind, fields, types)
    keys = tuple(_key(field) for field in fields)
    return None if None in keys else (kind, keys)


# class -> (a reader of its fields in order, their number) for a frozen dataclass, else None
_FROZEN: dict[type, tuple[attrgetter, int] | None] = {}


def _frozen_fields(kind: type) -> tuple[attrgetter, int] | None:
    try:
        return _FROZEN[kind]
    except KeyError:
        pass
    found = None
    if dataclasses.is_dataclass(kind) and kind.__dataclass_params__.frozen:  # type: ignore[attr-defined]
        names = [field.name for field in dataclasses.fields(kind)]
        found = (attrgetter(*names) if names else attrgetter("__class__"), len(names))
    _FROZEN[kind] = found
    return found


# Where a hole was, in a fragment being drawn. Made anew by each process, so no stored text, safe
# or not, holds it; and no escaped value can print it ("<" escapes). A fragment in which it is
# not found once per hole (a filter over a hole that changed it) is not kept.
HOLE_MARK = f"<memo-hole {secrets.token_hex(8)}>"


class HoleNode(Node):
    def __init__(self, nodelist: NodeList, values: dict):
        self.nodelist = nodelist
        self.values = values

    def render(self, context: Context) -> str:
        values = {name: value.resolve(context) for name, value in self.values.items()}
        return self.drawn_in(context, values)

    def drawn_in(self, context: Context, values: dict) -> str:
        """This hole drawn in the page, or its mark in the fragment being drawn.

        A memo drawing its fragment hands its body a context holding its list of holes and the
        context it was drawn in (MemoNode._render_alone): a hole met there is marked, and kept
        with the fragment. A fragment drawn uncut (None for its list) draws its holes where it
        was drawn: in the page, or marked in a memo around it that is itself being drawn."""
        drawing = getattr(context, "_memo_holes", _PAGE)
        while drawing is None:
            context = context._memo_page  # type: ignore[attr-defined]
            drawing = getattr(context, "_memo_holes", _PAGE)
        if drawing is not _PAGE:
            drawing.append((self, values))
            return HOLE_MARK
        with context.push(values):
            return self.nodelist.render(context)


_PAGE = object()  # a context that is not a fragment being drawn: its holes are drawn in it


def _filled(parts: tuple, page: Context) -> SafeString:
    """A fragment cut at its holes — (text, (hole, values), text, …) — with each hole drawn."""
    if len(parts) == 1:
        return parts[0]
    drawn = [parts[0]]
    for at in range(1, len(parts), 2):
        hole, values = parts[at]
        drawn += (hole.drawn_in(page, values), parts[at + 1])
    return mark_safe("".join(drawn))  # noqa: S308 each part drawn by the engine


def _parsed(parser: Parser, token: Token) -> tuple[NodeList, dict]:
    """`{% name a=b … %}…{% endname %}`: the body and the named values, nothing else."""
    name, *bits = token.split_contents()
    values = token_kwargs(bits, parser)
    if bits:
        raise template.TemplateSyntaxError(f"{name} takes only name=value arguments")
    nodelist = parser.parse((f"end{name}",))
    parser.delete_first_token()
    return nodelist, values


@register.tag
def hole(parser: Parser, token: Token) -> HoleNode:
    return HoleNode(*_parsed(parser, token))


class MemoNode(Node):
    # Not walked by get_nodes_by_type: `{% extends %}` looks for the blocks of the layout on
    # every page, and its memos hold most of its nodes (~0.16 ms of CPU a page). A memo holds no
    # block (refused below), so the walk finds the same blocks without them.
    child_nodelists = ()

    def __init__(self, nodelist: NodeList, values: dict):
        self.nodelist = nodelist
        self.values = values
        self.names = tuple(sorted(values))

    def _render_alone(self, context: Context, values: dict, *, cut: bool = True) -> tuple | None:
        """The body drawn with the named values alone, cut at its holes (_filled), or None
        when its marks are not found once per hole; `cut=False`: its holes drawn in place."""
        alone = Context(values, autoescape=context.autoescape, use_l10n=context.use_l10n)
        alone.template = context.template
        alone.render_context = context.render_context
        alone._memo_page = context  # type: ignore[attr-defined]  where its holes are drawn
        holes: list = []
        alone._memo_holes = holes if cut else None  # type: ignore[attr-defined]
        drawn = self.nodelist.render(alone)
        if not holes:
            return (mark_safe(drawn),)  # noqa: S308 rendered by the engine
        texts = drawn.split(HOLE_MARK)
        if len(texts) != len(holes) + 1:
            return None
        parts: list = [mark_safe(texts[0])]  # noqa: S308 rendered by the engine
        for found, text in zip(holes, texts[1:], strict=True):
            parts += (found, mark_safe(text))  # noqa: S308 rendered by the engine
        return tuple(parts)

    def _drawn(self, context: Context, values: dict, parts: tuple | None) -> SafeString:
        if parts is None:
            return _filled(self._render_alone(context, values, cut=False), context)  # type: ignore[arg-type]
        return _filled(parts, context)

    def render(self, context: Context) -> SafeString:
        values = {name: self.values[name].resolve(context) for name in self.names}
        if keeping._plain:
            with context.push(values):
                return self.nodelist.render(context)
        keys = [_key(values[name]) for name in self.names]
        if None in keys:
            return self._drawn(context, values, self._render_alone(context, values))
        key = (self, context.autoescape, context.use_l10n, ambient(), *keys)
        parts = _drawn.kept(key, lambda: self._render_alone(context, values))
        return self._drawn(context, values, parts)


@register.tag
def memo(parser: Parser, token: Token) -> MemoNode:
    nodelist, values = _parsed(parser, token)
    if nodelist.get_nodes_by_type(BlockNode):
        # A block drawn once for its named values alone could not be overridden per page.
        raise template.TemplateSyntaxError("memo holds no {% block %}")
    return MemoNode(nodelist, values)
