"""``config`` as an app: its system checks, its management commands (``backup``), and the API's
strict JSON types (``core.json_types``)."""

from django.apps import AppConfig
from django.core import checks


class OpsConfig(AppConfig):
    name = "config"
    label = "ops"
    verbose_name = "Operations"

    def ready(self) -> None:
        from core import json_types

        checks.register(check_site_url, deploy=True)
        json_types.install()  # JSON bodies keep their JSON types (core/json_types.py)


def check_site_url(app_configs=None, **kwargs):
    from django.conf import settings

    from core.absolute_urls import MISSING

    if settings.SITE_URL or settings.SITE_URL_FALLBACK:
        return []
    return [checks.Warning(MISSING, id="wenming.W001")]
