"""The login lockout's authentication backend (django-axes), first in AUTHENTICATION_BACKENDS."""

from axes.backends import AxesStandaloneBackend


class LockoutBackend(AxesStandaloneBackend):
    """Axes' check for every login that comes with a request (the login page, the admin, the
    API token endpoint). ``authenticate()`` without a request is no web login, so it cannot be
    brute-forced from outside (shell, Django's test client): it passes to the next backend
    instead of failing as axes' own backend does."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
