"""gunicorn settings, read automatically when gunicorn starts in this folder (the Dockerfile's
and README's ``gunicorn config.wsgi …``); command-line options still override them.

The ``Server`` header tells nobody which server software runs here: gunicorn would send
``Server: gunicorn`` on every response.

gunicorn's own lines (start-up, worker timeouts, and the access log if you turn it on with
``--access-logfile -``) use the app's formatters: JSON in production, and the same masking of
phone numbers and tracking tokens (config/logs.py). The app already writes one line per request
with the request id and user (``wenming.request``), so the access log is off by default.
"""

import os

import gunicorn.http.wsgi
from gunicorn.glogging import Logger

gunicorn.http.wsgi.SERVER = "wenming"


class _Logger(Logger):
    """gunicorn turns its access log on whenever ``logconfig_dict`` is set (below), so every
    request was logged twice, and each worker formatted a line per request that nobody asked
    for (issue 19's benches). The access log is on only when asked for (``--access-logfile``)."""

    def _compute_access_log_enabled(self):
        return bool(self.cfg.accesslog)


logger_class = _Logger

_debug = os.environ.get("DJANGO_DEBUG", "0").strip().lower() in {"1", "true", "yes", "on"}
_format = os.environ.get("WENMING_LOG_FORMAT") or ("plain" if _debug else "json")

logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {
            "()": "config.logs.PlainFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s",
        },
        "json": {"()": "config.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": _format,
            "stream": "ext://sys.stderr",
        },
    },
    "loggers": {
        "gunicorn.error": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "gunicorn.access": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
