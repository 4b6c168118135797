"""Reads for the inbox and the bell."""

from django.db.models import QuerySet

from core import generations
from core.stored import LocalBlobs
from notifications.kinds import Channel
from notifications.models import Notification


def inbox_for(user) -> QuerySet[Notification]:
    """The login's in-app messages, newest first (one query; nothing to join)."""
    return Notification.objects.filter(recipient=user, channel=Channel.INBOX).order_by(
        "-created_at", "-id"
    )


# Unread counts per process, by login and inbox generation (``core.generations.inbox``: replaced
# when a message arrives or is read): the bell on every page costs one round trip to the cache.
_UNREAD = LocalBlobs(size=4096)


def unread_count(user) -> int:
    key = (user.pk, generations.current(generations.inbox(user.pk))[0], generations.backstop())
    return _UNREAD.get(key, lambda: inbox_for(user).filter(read_at__isnull=True).count())
