from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    name = "orders"
    verbose_name = _("实践菜单与点单")

    def ready(self) -> None:
        from orders import menu_cache

        menu_cache.connect()
