"""The volunteers app's models, one module per concern; every model is imported here, so
``from volunteers.models import X`` works and Django finds them all."""

from volunteers.models.applications import VolunteerApplication, VolunteerApplicationChange
from volunteers.models.certificates import Certificate
from volunteers.models.points import PointsEntry, Redemption, Reward
from volunteers.models.records import ServiceRecord, ServiceRecordChange
from volunteers.models.teams import (
    Membership,
    Team,
    Volunteer,
    VolunteerStanding,
    given_name,
    mask_id_number,
    mask_name,
)

__all__ = [
    "Certificate",
    "Membership",
    "PointsEntry",
    "Redemption",
    "Reward",
    "ServiceRecord",
    "ServiceRecordChange",
    "Team",
    "Volunteer",
    "VolunteerApplication",
    "VolunteerApplicationChange",
    "VolunteerStanding",
    "given_name",
    "mask_id_number",
    "mask_name",
]
