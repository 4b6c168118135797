"""Demo data: a few residents of 团结村 waiting for the station head to decide their
applications (成为志愿者), so the demo's ``station`` login finds the queue in use."""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.errors import DomainError
from joining import services
from orders.models import ServiceCategory
from stations.models import Village
from volunteers.models import VolunteerApplication

if TYPE_CHECKING:
    from portal.seeding import SeedContext

ARTICLE_VILLAGE = "团结村"
PENDING = 3


def seed(ctx: SeedContext) -> None:
    village = Village.objects.filter(name=ARTICLE_VILLAGE, town__name="洪绪镇").first()
    if village is None:
        return
    categories = list(
        ServiceCategory.objects.order_by("sort_order", "id").values_list("pk", flat=True)
    )
    times = VolunteerApplication.Availability.values
    made = 0
    while made < PENDING:
        try:
            services.application_submit(
                name=ctx.person_name(),
                phone=ctx.mobile(),
                village=village,
                skill_ids=ctx.rng.sample(categories, k=min(2, len(categories))),
                availability=ctx.rng.sample(times, k=ctx.rng.randint(1, len(times))),
                consent=True,
            )
        except DomainError:  # the phone is a volunteer's already: draw another
            continue
        made += 1
