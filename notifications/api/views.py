"""The login's inbox over the API: list (``?unread=true``) and mark as read."""

from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import exceptions, generics
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import check_single
from core.filters import BOOLEANS, NOT_BOOLEAN
from core.openapi import error_response
from notifications import selectors, services
from notifications.api.serializers import MarkedSerializer, NotificationSerializer

TAGS = ["notifications"]
EXAMPLE = {
    "id": 41,
    "kind": "order_new",
    "kind_label": "新点单待处理",
    "title": "新点单 WM-202612-000123 待处理",
    "body": (
        "团结村 有新的点单 WM-202612-000123：党的理论政策宣讲。请及时审核或派单："
        "/station/orders/123/"
    ),
    "url": "/station/orders/123/",
    "created_at": "2026-12-01T09:30:00+08:00",
    "read_at": None,
    "unread": True,
}


class NotificationListView(generics.ListAPIView):
    serializer_class = NotificationSerializer
    permission_classes = [IsAuthenticated]
    filter_backends: list = []

    def get_queryset(self):
        qs = selectors.inbox_for(self.request.user)
        query = self.request.query_params
        check_single(query, "unread")
        unread = query.get("unread", "false")
        if unread not in BOOLEANS:
            raise exceptions.ValidationError({"unread": [NOT_BOOLEAN]})
        if unread == "true":
            qs = qs.filter(read_at__isnull=True)
        return qs

    @extend_schema(
        operation_id="notifications_list",
        tags=TAGS,
        summary=gettext_lazy("我的站内消息（最新在前）"),
        parameters=[
            OpenApiParameter(
                "unread",
                OpenApiTypes.BOOL,
                description=gettext_lazy("true：只列未读"),
            )
        ],
        examples=[OpenApiExample("inbox", value=[EXAMPLE], response_only=True)],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class NotificationReadView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="notifications_read",
        tags=TAGS,
        summary=gettext_lazy("标为已读（重复标记无妨）"),
        request=None,
        responses={200: NotificationSerializer, 404: error_response(404)},
    )
    def post(self, request, pk: int):
        notification = services.notification_mark_read(user=request.user, notification_id=pk)
        return Response(NotificationSerializer(notification).data)


class NotificationReadAllView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="notifications_read_all",
        tags=TAGS,
        summary=gettext_lazy("全部标为已读"),
        request=None,
        responses={200: MarkedSerializer},
        examples=[OpenApiExample("marked", value={"marked": 3}, response_only=True)],
    )
    def post(self, request):
        return Response({"marked": services.notification_mark_all_read(user=request.user)})
