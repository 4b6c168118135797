"""``manage.py screenshots``: phone and desktop screenshots of the main pages in Chinese and
English, in docs/screenshots/ (``docs/main_pages.py``; the README shows them).

The pictures are taken from a throw-away SQLite demo database and its own server, never from
this project's database. Refuses at once, with what to install, when Chromium or a CJK font is
missing (Chromium would draw every Chinese character as an empty box).
"""

import subprocess
import sys
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

DOCS = Path(__file__).resolve().parents[3] / "docs"


class Command(BaseCommand):
    help = "Phone and desktop screenshots of the main pages (zh, en) in docs/screenshots/."

    def handle(self, *args, **options):
        sys.path.insert(0, str(DOCS))
        try:
            import screenshots as doors  # docs/screenshots.py: the font check lives there
        finally:
            sys.path.remove(str(DOCS))
        with tempfile.TemporaryDirectory() as tmp:
            try:
                doors._require_tools(doors._font_env(tmp))
            except SystemExit as exc:
                raise CommandError(str(exc)) from None
        # Its own process: the throw-away database is configured before Django starts there.
        done = subprocess.run([sys.executable, str(DOCS / "main_pages.py")], check=False)  # noqa: S603
        if done.returncode:
            raise CommandError(f"docs/main_pages.py failed (exit {done.returncode})")
