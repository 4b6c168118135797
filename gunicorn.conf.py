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

gunicorn.http.wsgi.SERVER = "wenming"

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
