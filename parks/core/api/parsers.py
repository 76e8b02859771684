"""How the API reads JSON bodies: DRF's parser, with a bound on how deeply they may nest."""

from django.utils.translation import gettext as _
from rest_framework import exceptions, parsers

# No portal payload nests more than four levels ({"activities": [{...}]}). Python's decoder
# recurses once per level, so `[[[…]]]` 50,000 deep blew the stack (RecursionError, a 500); a
# body just under the interpreter's limit would parse and then overflow whatever walks it next
# (validation, an error message, a JSONField), hence a limit far below it.
MAX_JSON_DEPTH = 100


def _nested_too_deeply():
    return exceptions.ParseError(
        _("The JSON body is nested too deeply (at most %(depth)d levels); send a flatter document.")
        % {"depth": MAX_JSON_DEPTH}
    )


def _deeper_than(data, limit):
    """Whether lists and objects nest more than `limit` levels, walked without recursion."""
    containers = (dict, list)
    pending = [(data, 1)] if isinstance(data, containers) else []
    while pending:
        value, depth = pending.pop()
        if depth > limit:
            return True
        children = value.values() if isinstance(value, dict) else value
        pending.extend((child, depth + 1) for child in children if isinstance(child, containers))
    return False


class JSONParser(parsers.JSONParser):
    """The default JSON parser of every endpoint (REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"])."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise _nested_too_deeply() from None
        if _deeper_than(data, MAX_JSON_DEPTH):
            raise _nested_too_deeply()
        return data
