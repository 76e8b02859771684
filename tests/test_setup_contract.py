"""`make test` on a fresh machine: the Debian packages of the browser tests come with it."""

import os
import re
import subprocess

from tests.conftest import ROOT

NOBODY = 65534
MAKES_OWN = re.compile(r"make(\[\d+\])?: ")


def run_make(*args, as_nobody=False):
    command = ["make", "-s", *args]
    if as_nobody and os.geteuid() == 0:
        command = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", *command]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=60)


def test_make_test_installs_the_system_packages_first():
    plan = run_make("-n", "test").stdout

    assert "apt-get" in plan
    assert plan.index("apt-get") < plan.index("pytest")


def test_the_packages_are_chromium_a_cjk_font_gettext_and_systemd():
    plan = run_make("-n", "system-packages").stdout

    for package in ("chromium", "fonts-wqy-microhei", "gettext", "systemd"):
        assert package in plan


def test_without_root_a_missing_package_stops_with_one_line_naming_it():
    result = run_make(
        "system-packages", "SYSTEM_PACKAGES_CHECK=missing=(chromium gettext)", as_nobody=True
    )

    assert result.returncode != 0
    # make's own "make: *** …" line (make[1]: when make test runs this test) is not ours.
    message = [line for line in result.stderr.splitlines() if not MAKES_OWN.match(line)]
    assert message == [
        "make test needs these Debian packages: chromium gettext "
        "(as root: apt-get install chromium gettext)"
    ]


def test_nothing_is_installed_when_nothing_is_missing():
    result = run_make("system-packages", "SYSTEM_PACKAGES_CHECK=missing=()")

    assert result.returncode == 0
    assert result.stdout == ""
