"""Background work for orders. Tasks take ids and call services or selectors; all idempotent.

Services import these tasks at the top; a task imports its service inside its body, so the two
never form an import cycle.
"""

import logging

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.utils.translation import gettext as _

from orders.models import Order
from stations.models import Position

logger = logging.getLogger(__name__)


@shared_task(name="orders.flag_overdue")
def flag_overdue() -> int:
    """Every 15 minutes (beat): flag orders not accepted in time. Running twice flags once."""
    from orders.services import order_flag_overdue

    flagged = order_flag_overdue()
    if flagged:
        logger.info("flagged %d overdue orders", flagged)
    return flagged


@shared_task(name="orders.notify_new_order", ignore_result=True)
def notify_new_order(order_id: int) -> None:
    """Tell the village's station head that an order is waiting (by e-mail, when they have one).

    The message carries the order number and service, never the resident's name or phone.
    """
    order = Order.objects.select_related("village", "menu_item").filter(pk=order_id).first()
    if order is None:
        return
    heads = Position.objects.filter(
        level=Position.Level.STATION, village_id=order.village_id, head_user__isnull=False
    ).values_list("head_user__email", flat=True)
    recipients = [email for email in heads if email]
    if not recipients:
        return
    subject = _("新点单 %(number)s") % {"number": order.number}
    body = _("%(village)s 有新的点单：%(item)s（%(status)s）。请登录站点管理查看。") % {
        "village": order.village.name,
        "item": order.menu_item.title,
        "status": order.get_status_display(),
    }
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients, fail_silently=True)
