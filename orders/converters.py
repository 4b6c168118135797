"""URL converter for tracking tokens: only what ``orders.submission.new_tracking_token`` can
produce.

Anything else (odd characters, NUL bytes that PostgreSQL refuses in text) is not a route at all,
so it is a plain 404 and never reaches the database.
"""

from django.urls import register_converter


class TrackingTokenConverter:
    regex = r"[A-Za-z0-9_-]{16,64}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


# Registered once, when the first URL module imports this one.
register_converter(TrackingTokenConverter, "tracking_token")
