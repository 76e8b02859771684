"""The portal's production settings, served by `make bench` with the raw-SQL floors beside it.

tests.bench.run sets the environment production requires (a secret key, DATABASE_URL pointing
at the bench database, REDIS_URL, PORTAL_PUBLIC_BASE_URL, no SSL redirect, a throttle no bench
reaches). The changes here: the URL conf adds /bench-floor/ to config.urls, and the first
middleware reports each request's number of queries in a header (a function call per query).
"""

from config.settings.production import *  # noqa: F403

ROOT_URLCONF = "tests.bench.urls"
MIDDLEWARE = ["tests.bench.middleware.count_queries", *MIDDLEWARE]  # noqa: F405
