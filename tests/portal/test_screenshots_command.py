"""``manage.py screenshots`` refuses, before any work, when no CJK font is installed."""

import subprocess

import pytest
from django.core.management import CommandError, call_command

from tests.browser import CHROMIUM


@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's Chromium at /usr/bin/chromium")
def test_refuses_without_a_cjk_font(monkeypatch):
    real_run = subprocess.run
    started = []

    def run(args, *a, **kw):
        if str(args[0]).endswith("fc-list"):  # fontconfig finds no font covering Chinese
            return subprocess.CompletedProcess(args, 0, stdout="", stderr="")
        started.append(args)
        return real_run(args, *a, **kw)

    monkeypatch.setattr(subprocess, "run", run)
    with pytest.raises(CommandError, match="No CJK font found") as refused:
        call_command("screenshots")
    assert "apt-get install -y fonts-wqy-microhei" in str(refused.value)
    assert not started  # no database built, no browser started
