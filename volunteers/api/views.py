"""Teams, volunteers and ``/api/me/``: login required, and each caller sees only their area.

- City admins (and superusers) see everything; town admins their towns; station heads their
  village. Volunteers without a role see the city-level teams, their town's teams, and the
  volunteers of their own village (phones masked, except their own).
- Anything outside that is a 404, never a 403: nobody learns what exists elsewhere.
"""

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from stations.models import Role
from stations.scope import scope_for
from volunteers.api import filters
from volunteers.api.base import ScopedViewSetMixin
from volunteers.api.serializers import teams as s
from volunteers.models import Team, Volunteer


def _own_volunteer(user) -> Volunteer | None:
    if not user.is_authenticated:  # the schema generator asks with an anonymous user
        return None
    try:
        return user.volunteer
    except Volunteer.DoesNotExist:
        return None


@extend_schema_view(
    list=extend_schema(summary=_("志愿服务队伍列表"), tags=["volunteers"]),
    retrieve=extend_schema(summary=_("志愿服务队伍详情"), tags=["volunteers"]),
)
class TeamViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = s.TeamSerializer
    filterset_class = filters.TeamFilter
    search_fields = ["name", "description"]
    ordering_fields = ["kind", "sort_order", "name", "id", "member_count"]
    ordering = ["kind", "sort_order", "name"]

    def get_queryset(self) -> QuerySet[Team]:
        teams = Team.objects.select_related("town", "village", "captain").annotate(
            member_count=Count("memberships", filter=Q(memberships__volunteer__is_active=True))
        )
        scope = scope_for(self.request.user)
        if scope.everything:
            return teams
        # City-level teams (the general team and its detachments) are everyone's.
        visible = Q(town__isnull=True) | scope.q()
        own = _own_volunteer(self.request.user)
        if own is not None:
            visible |= Q(town_id=own.town_id)
        return teams.filter(visible)


@extend_schema_view(
    list=extend_schema(
        summary=_("志愿者列表"),
        description=_(
            "管理员看到其管辖范围内的志愿者（含完整手机号）；普通志愿者看到本村志愿者，"
            "手机号仅本人可见，其他人 phone 为 null。"
        ),
        tags=["volunteers"],
    ),
    retrieve=extend_schema(summary=_("志愿者详情"), tags=["volunteers"]),
)
class VolunteerViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = s.VolunteerSerializer
    filterset_class = filters.VolunteerFilter
    search_fields = ["name"]
    ordering_fields = ["name", "id", "joined_on", "hours_total"]
    ordering = ["name", "id"]

    def get_queryset(self) -> QuerySet[Volunteer]:
        volunteers = Volunteer.objects.select_related("home_village", "town").prefetch_related(
            "teams", "skills"
        )
        scope = scope_for(self.request.user)
        if scope.everything:
            return volunteers
        visible = scope.q(town="town", village="home_village")
        own = _own_volunteer(self.request.user)
        if own is not None:
            visible |= Q(home_village_id=own.home_village_id)
        return volunteers.filter(visible)


class MeView(APIView):
    """Who the caller is: roles, the area they manage, and their volunteer record."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="me_retrieve",
        summary=_("当前登录者"),
        description=_("调用者的角色、管辖范围（镇、村、实践站的 id）和志愿者档案。"),
        tags=["auth"],
        responses={200: s.MeSerializer},
        examples=[
            OpenApiExample(
                "station_head",
                response_only=True,
                value={
                    "id": 7,
                    "username": "head-tuanjie",
                    "name": "王站长",
                    "is_staff": False,
                    "is_superuser": False,
                    "roles": [
                        {
                            "kind": "station_head",
                            "kind_label": Role.Kind.STATION_HEAD.label,
                            "city": {"id": 1, "name": "滕州市"},
                            "town": None,
                            "position": {"id": 12, "name": "团结村新时代文明实践站"},
                        }
                    ],
                    "scope": {"everything": False, "towns": [], "villages": [3], "positions": [12]},
                    "volunteer": None,
                },
            )
        ],
    )
    def get(self, request):
        user = request.user
        scope = scope_for(user)
        roles = Role.objects.filter(user=user).select_related("city", "town", "position")
        volunteer = (
            Volunteer.objects.select_related("home_village", "town").filter(user=user).first()
        )
        body = {
            "id": user.pk,
            "username": user.get_username(),
            "name": user.get_full_name() or user.get_username(),
            "is_staff": user.is_staff,
            "is_superuser": user.is_superuser,
            "roles": roles,
            "scope": {
                "everything": scope.everything,
                "towns": sorted(scope.town_ids),
                "villages": sorted(scope.village_ids),
                "positions": sorted(scope.position_ids),
            },
            "volunteer": volunteer,
        }
        return Response(s.MeSerializer(body).data)
