"""The portal's production settings, served by `make bench` with the raw-SQL floors beside it.

tests.bench.run sets the environment production requires (a secret key, DATABASE_URL pointing
at the bench database, REDIS_URL, PORTAL_PUBLIC_BASE_URL, no SSL redirect, a throttle no bench
reaches); the only change here is the URL conf, which adds /bench-floor/ to config.urls.
"""

from config.settings.production import *  # noqa: F403

ROOT_URLCONF = "tests.bench.urls"
