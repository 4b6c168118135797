from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VolunteersConfig(AppConfig):
    name = "volunteers"
    verbose_name = _("志愿服务队伍")

    def ready(self) -> None:
        from volunteers import receivers

        receivers.connect()
