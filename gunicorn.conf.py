"""gunicorn settings, read automatically when gunicorn starts in this folder (the Dockerfile's
and README's ``gunicorn config.wsgi …``); command-line options still override them.

The ``Server`` header tells nobody which server software runs here: gunicorn would send
``Server: gunicorn`` on every response.
"""

import gunicorn.http.wsgi

gunicorn.http.wsgi.SERVER = "wenming"
