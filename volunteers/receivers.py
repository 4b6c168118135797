"""Keep each volunteer's standing history (``VolunteerStanding``) in step with every save,
wherever it comes from: the admin form, a login being linked, a factory, an import."""

from django.db.models.signals import post_delete, post_save

from core import generations
from volunteers.models import Volunteer

STANDING_FIELDS = {"home_village", "home_village_id", "is_active"}


def on_volunteer_saved(sender, instance, update_fields=None, **kwargs) -> None:
    from volunteers.services import record_standings

    if update_fields is not None and not STANDING_FIELDS & set(update_fields):
        return  # e.g. hours_total: nothing the history keeps changed
    record_standings(volunteer_ids=[instance.pk])


def on_volunteer_login_changed(sender, instance, update_fields=None, **kwargs) -> None:
    """Which logins are volunteers is part of what the navigation is kept under
    (``stations.scope.roles_generation``)."""
    if update_fields is None or {"user", "user_id"} & set(update_fields):
        generations.bump(generations.ROLES)


def connect() -> None:
    post_save.connect(on_volunteer_saved, sender=Volunteer, dispatch_uid="volunteers.standing")
    for signal in (post_save, post_delete):
        signal.connect(
            on_volunteer_login_changed, sender=Volunteer, dispatch_uid="volunteers.login"
        )
