"""Retire the scopes kept per process (``stations.scope``) whenever a role or a station
changes: a role granted, revoked or moved to another station shows on the login's next
request."""

from django.db.models.signals import post_delete, post_save

from core import generations


def on_roles_changed(sender, **kwargs) -> None:
    generations.bump(generations.ROLES)


def connect() -> None:
    from stations.models import Position, Role

    for model in (Role, Position):
        for signal in (post_save, post_delete):
            signal.connect(
                on_roles_changed, sender=model, dispatch_uid=f"stations.roles.{model.__name__}"
            )
