"""``config`` as an app: its system checks and its management commands (``backup``)."""

from django.apps import AppConfig
from django.core import checks


class OpsConfig(AppConfig):
    name = "config"
    label = "ops"
    verbose_name = "Operations"

    def ready(self) -> None:
        checks.register(check_site_url, deploy=True)


def check_site_url(app_configs=None, **kwargs):
    from django.conf import settings

    from core.absolute_urls import MISSING

    if settings.SITE_URL or settings.SITE_URL_FALLBACK:
        return []
    return [checks.Warning(MISSING, id="wenming.W001")]
