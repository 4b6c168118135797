"""An SMS backend for browser tests: keeps each message's text, as the applicant's phone would.

The live server delivers in its own thread (Celery eager, after commit) and the outbox blanks
one-time codes and links once sent, so the test reads them here."""

from notifications.backends import _text

SENT: list[tuple[str, str]] = []


class KeepingSMSBackend:
    def send(self, notification) -> None:
        _title, text = _text(notification)
        SENT.append((notification.address, text))
