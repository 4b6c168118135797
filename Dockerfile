# Wenming image for docker-compose.yml: one image for web (gunicorn), worker and beat.
# Two stages: the build stage has uv, gettext and the compilers' caches; the runtime stage only
# the virtualenv, the app, its collected static files and compiled translations, and runs as
# an unprivileged user.

# --- build ------------------------------------------------------------------------------------
FROM ghcr.io/astral-sh/uv:python3.11-bookworm-slim AS build

ENV UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PROJECT_ENVIRONMENT=/opt/venv
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends gettext \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app

# Dependencies first: this layer is rebuilt only when the lock file changes.
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev

COPY . .
RUN DJANGO_DEBUG=0 DJANGO_SECRET_KEY=build-only DJANGO_ALLOWED_HOSTS=localhost \
    /opt/venv/bin/python manage.py collectstatic --noinput \
 && /opt/venv/bin/python manage.py compilemessages --ignore=.venv \
 && rm -rf .git .ci tests bench db.sqlite3 media

# --- runtime ----------------------------------------------------------------------------------
FROM python:3.11-slim-bookworm AS runtime

ENV PATH="/opt/venv/bin:$PATH" \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1
# pg_dump/pg_restore for `manage.py backup`.
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends postgresql-client \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --uid 10001 --create-home --shell /usr/sbin/nologin wenming \
 && mkdir -p /app/media /app/backups && chown wenming:wenming /app/media /app/backups
WORKDIR /app
COPY --from=build /opt/venv /opt/venv
COPY --from=build /app /app

USER wenming
EXPOSE 8000
# Liveness: the process answers (docker-compose.yml checks /readyz for the whole stack).
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status != 200)"]
CMD ["gunicorn", "config.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3"]
