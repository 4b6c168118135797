"""Settings for ``bench/http.py``: production's settings, plus the empty baseline view.

Everything comes from ``config.settings`` (the environment the bench sets: ``DJANGO_DEBUG=0``,
PostgreSQL, Redis); only the URLconf differs, adding ``/bench/empty/`` behind the same
middleware. Never used outside the bench.
"""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.http_urls"
