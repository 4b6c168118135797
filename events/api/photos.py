"""Uploading an event's photos."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import permissions, status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from core.errors import INVALID, error_body
from core.openapi import error_response
from events import services
from events.api import serializers as s
from events.api.events import managed_event
from events.api.schema import TAGS

PHOTO_EXAMPLE = {
    "id": 31,
    "image": "https://wenming.example.cn/media/events/2026/12/lecture.jpg",
    "caption": "村文化广场宣讲现场",
    "created_at": "2026-12-12T11:20:00+08:00",
}


class EventPhotosView(APIView):
    permission_classes = [permissions.IsAuthenticated]
    # Files only come as multipart; anything else is a 415 rather than a confusing field error.
    parser_classes = [MultiPartParser]

    @extend_schema(
        operation_id="events_photos_create",
        summary=_("上传活动照片"),
        description=_(
            "multipart/form-data：image（JPG、PNG 或 WebP，不超过 5 MB，须为可识别的图片）"
            "和可选的 caption（说明，最多 200 字）。与活动页面的上传表单校验相同；"
            "照片随即出现在活动详情中（活动公开时人人可见）。"
        ),
        request={"multipart/form-data": s.PhotoUploadSerializer},
        responses={
            201: s.EventPhotoSerializer,
            400: error_response(
                400,
                error_body(INVALID, "invalid", {"image": [_("照片不能超过 5 MB。")]}),
            ),
            404: error_response(404),
            415: error_response(415),
        },
        examples=[
            OpenApiExample(
                "photo",
                summary=_("照片"),
                value={"image": "lecture.jpg", "caption": "村文化广场宣讲现场"},
                request_only=True,
            ),
            OpenApiExample(
                "uploaded",
                summary=_("已上传"),
                value=PHOTO_EXAMPLE,
                response_only=True,
                status_codes=["201"],
            ),
        ],
        tags=TAGS,
    )
    def post(self, request, pk: int):
        event = managed_event(request.user, pk)
        body = s.PhotoUploadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        photo = services.event_photo_add(
            user=request.user,
            event=event,
            image=body.validated_data["image"],
            caption=body.validated_data["caption"],
        )
        data = s.EventPhotoSerializer(photo, context={"request": request}).data
        return Response(data, status=status.HTTP_201_CREATED)
