"""manage.py anonymise: erase the personal data past WENMING_RETENTION_DAYS now (beat does it
daily); safe to run any number of times."""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from privacy import services


class Command(BaseCommand):
    help = "Anonymise residents' names and phones past WENMING_RETENTION_DAYS (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="count what would be anonymised, change nothing"
        )

    def handle(self, *args, dry_run: bool = False, **options):
        days = settings.WENMING_RETENTION_DAYS
        if dry_run:
            done = {
                "orders": services.expired_orders().count(),
                "checkins": services.expired_checkins().count(),
                "wishes": services.expired_wishes().count(),
                "applications": services.expired_applications().count(),
                "notifications": services.expired_notification_addresses(),
            }
            text = _(
                "将匿名化 %(orders)d 个点单、%(checkins)d 条签到、%(wishes)d 个心愿、"
                "%(applications)d 份志愿者申请、%(notifications)d 条通知的接收地址"
                "（保留 %(days)d 天）。"
            )
        else:
            done = services.anonymise_expired()
            text = _(
                "已匿名化 %(orders)d 个点单、%(checkins)d 条签到、%(wishes)d 个心愿、"
                "%(applications)d 份志愿者申请、%(notifications)d 条通知的接收地址"
                "（保留 %(days)d 天）。"
            )
        self.stdout.write(text % {**done, "days": days})
