"""Delivery backends, one per channel, chosen by settings.

- inbox: nothing to send; the row is the message.
- e-mail: Django's ``send_mail`` (``EMAIL_BACKEND``: SMTP, console, locmem in tests …).
- SMS: ``WENMING_SMS_BACKEND``, by default ``ConsoleSMSBackend`` (logs the masked number);
  ``HttpSMSBackend`` POSTs signed JSON to ``WENMING_SMS_GATEWAY_URL`` (contract in README.md).
- WeChat: signed JSON to ``WENMING_WECHAT_WEBHOOK_URL``, the calendar webhook's mechanism.

A backend raises ``DeliveryError`` when the message did not go out; the outbox retries later.
"""

from __future__ import annotations

import json
import logging

from django.conf import settings
from django.core.mail import send_mail
from django.utils import translation
from django.utils.module_loading import import_string

from core.webhooks import post
from notifications import kinds
from notifications.kinds import Channel

logger = logging.getLogger(__name__)


class DeliveryError(Exception):
    pass


def mask_phone(value: str) -> str:
    return f"{value[:3]}****{value[-4:]}" if len(value) >= 7 else "****"


def post_signed(url: str, data: dict, *, secret: str, delivery_id: int, timeout: float = 10):
    """POST ``data`` as JSON, signed when a secret is set; ``DeliveryError`` unless 2xx."""
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "Wenming-Notify/1.0",
        # The receiver may drop a repeat: a retry after a lost answer carries the same id.
        "Idempotency-Key": f"wenming-notification-{delivery_id}",
    }
    _code, error = post(url, body, headers=headers, secret=secret, timeout=timeout)
    if error:
        raise DeliveryError(error[:300])


def _text(notification) -> tuple[str, str]:
    # Messages leaving the site go out in the source language (Chinese), links made absolute.
    with translation.override(settings.LANGUAGE_CODE):
        return (
            kinds.title(notification.kind, notification.payload),
            kinds.body(notification.kind, notification.payload, absolute=True),
        )


class ConsoleSMSBackend:
    """Development default: logs the message with the masked number (PIPL), sends nothing."""

    def send(self, notification) -> None:
        _title, text = _text(notification)
        logger.info("SMS to %s: %s", mask_phone(notification.address), text)


class HttpSMSBackend:
    """POSTs ``{"id", "to", "text", "kind"}`` to the city's SMS platform (see README.md)."""

    def send(self, notification) -> None:
        url = settings.WENMING_SMS_GATEWAY_URL
        if not url:
            raise DeliveryError("WENMING_SMS_GATEWAY_URL is not set")
        _title, text = _text(notification)
        post_signed(
            url,
            {
                "id": str(notification.pk),
                "to": notification.address,
                "text": text,
                "kind": notification.kind,
            },
            secret=settings.WENMING_SMS_GATEWAY_SECRET,
            delivery_id=notification.pk,
        )


class EmailBackend:
    def send(self, notification) -> None:
        subject, text = _text(notification)
        try:
            send_mail(subject, text, settings.DEFAULT_FROM_EMAIL, [notification.address])
        except Exception as exc:  # SMTP errors, refused connections …
            raise DeliveryError(f"{type(exc).__name__}: {exc}"[:300]) from None


class WeChatWebhookBackend:
    """POSTs the message for a login to the city's WeChat gateway, which maps it to an openid."""

    def send(self, notification) -> None:
        url = settings.WENMING_WECHAT_WEBHOOK_URL
        if not url:
            raise DeliveryError("WENMING_WECHAT_WEBHOOK_URL is not set")
        title, text = _text(notification)
        post_signed(
            url,
            {
                "id": str(notification.pk),
                "user_id": notification.recipient_id,
                "username": notification.recipient.get_username() if notification.recipient else "",
                "kind": notification.kind,
                "title": title,
                "text": text,
                "url": kinds.link(notification.payload.get("url", "")),
            },
            secret=settings.WENMING_WECHAT_WEBHOOK_SECRET,
            delivery_id=notification.pk,
        )


def for_channel(channel: str):
    if channel == Channel.SMS:
        return import_string(settings.WENMING_SMS_BACKEND)()
    if channel == Channel.EMAIL:
        return EmailBackend()
    if channel == Channel.WECHAT:
        return WeChatWebhookBackend()
    raise DeliveryError(f"no backend for channel {channel}")


def channel_enabled(channel: str) -> bool:
    """WeChat needs its gateway configured; the other channels always work."""
    if channel == Channel.WECHAT:
        return bool(settings.WENMING_WECHAT_WEBHOOK_URL)
    return True
