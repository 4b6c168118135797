"""Start the project many times from one interpreter (for tests/portal/test_settings.py).

Each start-up is what a fresh interpreter would do, ``python -c CODE`` or ``python SCRIPT ARGS``
with an environment of its own, run in a child forked from this process: this process has
imported Django's own libraries but nothing of the project (no settings, no app, no entry point),
so each child imports the settings, the apps and config.wsgi / config.asgi afresh and sees only
its own environment. A dozen start-ups then cost one interpreter and one Django import instead of
a dozen.

    python tests/portal/startups.py < cases.json

``cases.json``: ``{"name": {"env": {...}, "code": "..."}}`` or ``{"name": {"env": {...},
"argv": ["manage.py", ...]}}`` (a script path relative to the project). Prints
``{"name": {"returncode": int, "stdout": str, "stderr": str}}``, each as its own process exited.
"""

import json
import os
import runpy
import sys
import tempfile
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Libraries that read no settings when imported (a library that did would raise here, as the
# probe runs without DJANGO_SETTINGS_MODULE): Django's own and the heaviest of those the apps
# import, which are most of a start-up's time. Shared by every child; the project is not.
PRELOAD = [
    "celery.app.task",
    "django.contrib.admin",
    "django.core.asgi",
    "django.core.management",
    "django.core.wsgi",
    "django.db.models",
    "django.forms",
    "django.urls",
    "django.views.generic",
    "django_filters",
    "icalendar",
    "psycopg",
    "pypinyin",
    "redis",
    "rest_framework.serializers",
    "segno",
]


def _start(case: dict) -> int:
    """In the child: the environment, ``sys.argv`` and ``sys.path[0]`` of a new interpreter
    started as asked; returns its exit status as the interpreter would."""
    os.environ.clear()
    os.environ.update(case["env"])
    try:
        if "code" in case:
            sys.argv = ["-c"]
            sys.path[0] = ""  # python -c: the working directory
            exec(compile(case["code"], "<string>", "exec"), {"__name__": "__main__"})  # noqa: S102
        else:
            script = ROOT / case["argv"][0]
            sys.argv = [str(script), *case["argv"][1:]]
            sys.path[0] = str(script.parent)  # python SCRIPT: the script's folder
            runpy.run_path(str(script), run_name="__main__")
    except SystemExit as exit_:
        if exit_.code is None or isinstance(exit_.code, int):
            return exit_.code or 0
        print(exit_.code, file=sys.stderr)
        return 1
    except BaseException as exc:  # as an uncaught exception ends an interpreter: traceback, 1
        # Without this function's own frame, as the interpreter would print it.
        traceback.print_exception(type(exc), exc, exc.__traceback__.tb_next)
        return 1
    return 0


def run(case: dict) -> dict:
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:  # the child: never returns into the loop of the parent
            status = 1
            try:
                os.dup2(out.fileno(), 1)
                os.dup2(err.fileno(), 2)
                status = _start(case)
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(status)
        _, wait_status = os.waitpid(pid, 0)
        out.seek(0)
        err.seek(0)
        return {
            "returncode": os.waitstatus_to_exitcode(wait_status),
            "stdout": out.read().decode(errors="replace"),
            "stderr": err.read().decode(errors="replace"),
        }


def main() -> None:
    cases = json.load(sys.stdin)
    # A library that read the settings on import would configure them for every child.
    assert "DJANGO_SETTINGS_MODULE" not in os.environ, "start the probe without the settings"
    sys.path[0] = str(ROOT)
    for module in PRELOAD:
        __import__(module)
    results = {name: run(case) for name, case in cases.items()}
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main()
