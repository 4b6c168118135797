from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StationsConfig(AppConfig):
    name = "stations"
    verbose_name = _("阵地与区划")

    def ready(self) -> None:
        from stations import receivers

        receivers.connect()
