"""The systemd units production runs (config/deploy/systemd/): each is well-formed, restarts
its process whatever ends it, and runs the command the fault suite proves (tests/faults/)."""

import shutil
import subprocess

import pytest

from tests.faults.infra import BIN, INSTALLED_VENV, UNITS, read_unit, unit_command

NAMES = ["portal-web", "portal-worker", "portal-beat"]


def test_there_is_a_unit_for_the_web_the_worker_and_beat():
    assert sorted(path.stem for path in UNITS.glob("*.service")) == sorted(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_each_unit_restarts_its_process_whatever_ends_it(name):
    unit = read_unit(name)
    assert set(unit) == {"Unit", "Service", "Install"}
    service = unit["Service"]
    assert service["Restart"] == "always"
    assert 1 <= int(service["RestartSec"]) <= 10
    assert service["EnvironmentFile"].startswith("/etc/")  # secrets stay out of the unit
    assert service["User"] != "root"
    assert service["WorkingDirectory"] == INSTALLED_VENV.removesuffix("/.venv/bin/")
    assert service["ExecStart"].startswith(INSTALLED_VENV)
    assert "postgresql.service" in unit["Unit"]["After"]
    assert unit["Install"]["WantedBy"] == "multi-user.target"


def test_the_web_runs_gunicorn_with_timeouts():
    command = unit_command("portal-web")
    assert command[:2] == [f"{BIN}/gunicorn", "config.wsgi"]
    assert 10 <= int(command[command.index("--timeout") + 1]) <= 60
    assert int(command[command.index("--graceful-timeout") + 1]) > 0
    assert command[command.index("--bind") + 1] == "127.0.0.1:8000"  # behind the proxy only


def test_the_worker_and_beat_run_the_portals_celery_app():
    assert unit_command("portal-worker")[:4] == [f"{BIN}/celery", "-A", "config", "worker"]
    assert unit_command("portal-beat")[:4] == [f"{BIN}/celery", "-A", "config", "beat"]
    # A warm shutdown lets running tasks finish before systemd kills what is left.
    assert read_unit("portal-worker")["Service"]["KillMode"] == "mixed"


def test_systemd_accepts_the_units(tmp_path):
    """`systemd-analyze verify`, where systemd is installed, on copies pointing at this
    checkout (verify insists that the programs exist)."""
    analyze = shutil.which("systemd-analyze")
    assert analyze, "make test installs systemd (for systemd-analyze) with the other packages"

    copies = []
    for name in NAMES:
        text = (UNITS / f"{name}.service").read_text()
        text = text.replace(INSTALLED_VENV, f"{BIN}/").replace("/srv/park-reform", str(tmp_path))
        copy = tmp_path / f"{name}.service"
        copy.write_text(text)
        copies.append(str(copy))
    result = subprocess.run(
        [analyze, "verify", *copies], capture_output=True, text=True, timeout=60, check=False
    )
    # verify reports a bad line and goes on with exit 0: any word about our units is a failure.
    said = [
        line for line in result.stderr.splitlines() if str(tmp_path) in line or ".service" in line
    ]
    assert result.returncode == 0 and said == [], result.stderr
