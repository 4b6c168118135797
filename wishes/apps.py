from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WishesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "wishes"
    verbose_name = _("心愿墙")
