"""The Chinese catalogue is complete, and the compiled file the portal reads matches it."""

import gettext
import shutil
import subprocess
from pathlib import Path

import pytest

LOCALE = Path(__file__).resolve().parent.parent / "locale" / "zh_Hans" / "LC_MESSAGES"


@pytest.fixture
def freshly_compiled(tmp_path):
    assert shutil.which("msgfmt"), "gettext's msgfmt is needed (Debian package gettext)"
    target = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "-o", str(target), str(LOCALE / "django.po")], check=True)
    return target


def _catalogue(path):
    with path.open("rb") as handle:
        return gettext.GNUTranslations(handle)._catalog


def test_every_message_is_translated_and_none_is_fuzzy():
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(LOCALE / "django.po")],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "untranslated" not in result.stderr and "fuzzy" not in result.stderr, result.stderr


def test_the_committed_mo_file_matches_the_po_file(freshly_compiled):
    assert _catalogue(LOCALE / "django.mo") == _catalogue(freshly_compiled), (
        "run `make messages` and commit locale/zh_Hans/LC_MESSAGES/django.mo"
    )
