"""Test hooks for the fault suite's worker: `celery -A config worker -I tests.faults.worker_hooks`.

They live only in that process (imported before the pool forks, so its children have them too);
the portal's code is not changed for them. The slow build holds a report between its snapshot
and its save for FAULT_BUILD_DELAY seconds on its first attempt (a rebuild runs at full speed),
so a test can kill something while a build is under way; each attempt is logged to
FAULT_BUILD_LOG. FAULT_CATCH_UP_ON_START turns on the catch-up a production worker runs as it
starts (off in the test settings).
"""

import os
import time

from django.test import override_settings

from reforms.reporting import services

_real_build_snapshot = services.build_snapshot


def _build_snapshot(report, progress):
    with open(os.environ["FAULT_BUILD_LOG"], "a+") as log:
        log.seek(0)
        first_attempt = str(report.pk) not in log.read().split()
        log.write(f"{report.pk}\n")
    snapshot = _real_build_snapshot(report, progress)
    if first_attempt:
        time.sleep(float(os.environ.get("FAULT_BUILD_DELAY", "0")))
    return snapshot


services.build_snapshot = _build_snapshot
override_settings(
    REPORTS_CATCH_UP_ON_WORKER_START=os.environ.get("FAULT_CATCH_UP_ON_START") == "1"
).enable()
