"""A memo's body is not walked for blocks (parks/templatetags/memo.py): it holds none, so
`{% extends %}` finds the same blocks in every template as when it walked the bodies."""

from pathlib import Path

import pytest
from django.conf import settings
from django.template import Template, TemplateSyntaxError
from django.template.loader import get_template
from django.template.loader_tags import BlockNode

from parks.templatetags.memo import MemoNode


def test_a_memo_refuses_a_block():
    with pytest.raises(TemplateSyntaxError, match="block"):
        Template("{% load memo %}{% memo %}{% block a %}{% endblock %}{% endmemo %}")


def _templates():
    """The names of the portal's own templates: the site's and each app's."""
    roots = [Path(folder) for folder in settings.TEMPLATES[0]["DIRS"]]
    for app in ("parks", "reforms", "grievances"):
        roots += (Path(settings.BASE_DIR) / app).rglob("templates")
    for root in roots:
        for path in root.rglob("*.html"):
            yield path.relative_to(root).as_posix()


def test_every_template_s_blocks_are_found_as_when_memo_bodies_were_walked(monkeypatch):
    names = sorted(set(_templates()))
    assert "base.html" in names
    with_memo = []
    for name in names:
        nodelist = get_template(name).template.nodelist
        found = [node.name for node in nodelist.get_nodes_by_type(BlockNode)]
        if nodelist.get_nodes_by_type(MemoNode):
            with_memo.append(name)
        monkeypatch.setattr(MemoNode, "child_nodelists", ("nodelist",))
        walked = [node.name for node in nodelist.get_nodes_by_type(BlockNode)]
        monkeypatch.undo()
        assert found == walked, name
    assert "base.html" in with_memo
