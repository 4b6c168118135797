"""Reads for the inbox and the bell."""

from django.db.models import QuerySet

from notifications.kinds import Channel
from notifications.models import Notification


def inbox_for(user) -> QuerySet[Notification]:
    """The login's in-app messages, newest first (one query; nothing to join)."""
    return Notification.objects.filter(recipient=user, channel=Channel.INBOX).order_by(
        "-created_at", "-id"
    )


def unread_count(user) -> int:
    return inbox_for(user).filter(read_at__isnull=True).count()
