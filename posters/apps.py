from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PostersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "posters"
    verbose_name = _("实践站海报")
