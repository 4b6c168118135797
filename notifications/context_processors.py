"""The bell in the header of every page: the login's unread inbox count.

Anonymous visitors cost nothing; a login costs one COUNT on an index, and only when a page
actually shows the bell (the value is lazy).
"""

from django.utils.functional import SimpleLazyObject


def inbox(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from notifications.selectors import unread_count

    return {"inbox_unread": SimpleLazyObject(lambda: unread_count(user))}
