"""Service records and certificates in the API (issue 11), scoped like the pages.

- Records: a volunteer reads their own; an admin the records of services in their area or
  organised by their station, and those of the volunteers living in their area. The organiser
  confirms (optionally correcting the hours) or revokes pending hours; ``?overdue=true`` lists
  those pending longer than 30 days.
- Certificates: the volunteer's own, and those of the volunteers living in an admin's area;
  either may request one; an admin of the area revokes one with a reason.

Anything outside the caller's area is a 404, never a 403.
"""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.errors import NotInScope, error_body
from core.openapi import error_response
from volunteers import certificates, selectors
from volunteers import records as record_services
from volunteers.api import filters
from volunteers.api.base import HOURS_TAGS, ScopedViewSetMixin, example
from volunteers.api.serializers import records as s
from volunteers.models import ServiceRecordChange

RECORD_EXAMPLE = {
    "id": 1,
    "volunteer": {"id": 1, "name": "张明"},
    "status": "confirmed",
    "status_label": "已确认",
    "source_kind": "order",
    "source_kind_label": "点单服务",
    "source_id": 5,
    "source_label": "点单 WM-202611-000005",
    "content": "党的理论政策宣讲",
    "category": "文明宣讲",
    "place": "洪绪镇团结村",
    "service_date": "2026-11-28",
    "hours": "2.5",
    "points_rate": 10,
    "town": {"id": 1, "name": "洪绪镇"},
    "village": {"id": 1, "name": "团结村"},
    "organiser_position": {"id": 3, "name": "团结村新时代文明实践站"},
    "organiser_team": None,
    "recorded_by": "fuzz-volunteer",
    "recorded_at": "2026-11-28T16:20:00+08:00",
    "confirmed_by": "王站长",
    "confirmed_label": "",
    "confirmed_at": "2026-11-29T09:00:00+08:00",
}
CERTIFICATE_EXAMPLE = {
    "id": 1,
    "number": "WMZ20260000001",
    "code": "q3Jx0Xo3m0f6z0A1Bc2De3Fg",
    "volunteer": {"id": 1, "name": "张明"},
    "period_start": "2026-01-01",
    "period_end": "2026-12-31",
    "hours": "3.0",
    "record_count": 1,
    "content": "文明宣讲",
    "issuer_position": {"id": 3, "name": "团结村新时代文明实践站"},
    "issuer_name": "团结村新时代文明实践站",
    "issuer_head": "王站长",
    "handler_name": "王站长",
    "contact": "13800000001",
    "issued_at": "2026-11-30T10:00:00+08:00",
    "status": "valid",
    "status_label": "有效",
    "revoked_at": None,
    "revoke_reason": "",
    "verify_url": "https://wenming.example.cn/certificates/q3Jx0Xo3m0f6z0A1Bc2De3Fg/",
    "pdf_url": "https://wenming.example.cn/certificates/q3Jx0Xo3m0f6z0A1Bc2De3Fg/pdf/",
}


@extend_schema_view(
    list=extend_schema(
        summary=_("志愿服务记录列表"),
        description=_(
            "志愿者看到本人的记录；管理员看到其辖区内开展的服务、本站组织的服务，以及居住在"
            "辖区内的志愿者的记录。status=pending&overdue=true 列出待确认超过 30 天的记录。"
        ),
        tags=HOURS_TAGS,
        examples=[example("record", RECORD_EXAMPLE)],
    ),
    retrieve=extend_schema(
        summary=_("志愿服务记录详情"),
        description=_("含变更记录（谁、何时、原状态 → 新状态、原时长 → 新时长）。"),
        tags=HOURS_TAGS,
    ),
)
class ServiceRecordViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    visible = staticmethod(selectors.records_visible)
    filterset_class = filters.ServiceRecordFilter
    search_fields = ["content", "volunteer__name", "source_label"]
    ordering_fields = ["service_date", "recorded_at", "hours", "id"]
    ordering = ["-service_date", "-id"]

    def get_serializer_class(self):
        if self.action == "retrieve":
            return s.ServiceRecordDetailSerializer
        return s.ServiceRecordSerializer

    def get_queryset(self):
        records = super().get_queryset()
        if self.action == "retrieve":
            changes = ServiceRecordChange.objects.select_related("actor").order_by(
                "created_at", "id"
            )
            records = records.prefetch_related(Prefetch("changes", queryset=changes))
        return records

    def _answer(self, record_id: int) -> Response:
        record = self.visible(self.request.user).get(pk=record_id)
        return Response(s.ServiceRecordSerializer(record, context={"request": self.request}).data)

    @extend_schema(
        operation_id="service_records_confirm",
        summary=_("确认服务时长"),
        description=_(
            "组织方（服务所在辖区的管理员或组织的实践站站长）确认待确认的时长，可同时更正时长；"
            "时长随即计入志愿者累计时长和积分。重复确认不重复计入。志愿者确认自己的时长 → "
            "403；已撤销的记录 → 409；不在管辖范围 → 404。"
        ),
        request=s.RecordConfirmSerializer,
        responses={
            200: s.ServiceRecordSerializer,
            403: error_response(
                403, error_body(_("志愿者不能确认自己的服务时长。"), "permission_denied")
            ),
            404: error_response(404),
            409: error_response(409, error_body(_("该服务记录已撤销，不能确认。"), "conflict")),
        },
        examples=[
            example("confirm", {"hours": "2.5"}, request=True),
            example("confirmed", RECORD_EXAMPLE),
        ],
        tags=HOURS_TAGS,
    )
    @action(detail=True, methods=["post"], url_path="confirm")
    def confirm(self, request, pk: int):
        record = self.get_object()
        body = s.RecordConfirmSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        record_services.record_confirm(
            record_id=record.pk, actor=request.user, hours=body.validated_data["hours"]
        )
        return self._answer(record.pk)

    @extend_schema(
        operation_id="service_records_revoke",
        summary=_("撤销服务时长"),
        description=_(
            "组织方撤销虚报或登记错误的时长（须说明原因）：已确认的时长从累计中扣除，积分冲正；"
            "撤销后不能再确认。重复撤销不重复扣除。"
        ),
        request=s.RecordRevokeSerializer,
        responses={
            200: s.ServiceRecordSerializer,
            403: error_response(
                403, error_body(_("志愿者不能撤销自己的服务时长。"), "permission_denied")
            ),
            404: error_response(404),
        },
        examples=[example("revoke", {"reason": "未参加服务，登记有误"}, request=True)],
        tags=HOURS_TAGS,
    )
    @action(detail=True, methods=["post"], url_path="revoke")
    def revoke(self, request, pk: int):
        record = self.get_object()
        body = s.RecordRevokeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        record_services.record_revoke(
            record_id=record.pk, actor=request.user, reason=body.validated_data["reason"]
        )
        return self._answer(record.pk)


@extend_schema_view(
    list=extend_schema(
        summary=_("志愿服务证明列表"),
        description=_("志愿者看到本人的证明；管理员看到居住在其辖区内的志愿者的证明。"),
        tags=HOURS_TAGS,
        examples=[example("certificate", CERTIFICATE_EXAMPLE)],
    ),
    retrieve=extend_schema(summary=_("志愿服务证明详情"), tags=HOURS_TAGS),
)
class CertificateViewSet(
    ScopedViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet
):
    visible = staticmethod(selectors.certificates_visible)
    serializer_class = s.CertificateSerializer
    filterset_class = filters.CertificateFilter
    search_fields = ["number", "volunteer__name"]
    ordering_fields = ["issued_at", "number", "id"]
    ordering = ["-issued_at", "-id"]

    @extend_schema(
        operation_id="certificates_create",
        summary=_("出具志愿服务证明"),
        description=_(
            "志愿者本人或其居住地辖区的管理员申请；由记录服务的实践阵地出具（谁记录谁证明），"
            "汇总期间内已确认的时长。期间内没有已确认的时长 → 400；"
            "志愿者不存在或不在管辖范围 → 404。"
        ),
        request=s.CertificateIssueSerializer,
        responses={
            201: s.CertificateSerializer,
            404: error_response(
                404,
                error_body(
                    s.NO_VOLUNTEER_IN_AREA, "not_found", {"volunteer": [s.NO_VOLUNTEER_IN_AREA]}
                ),
            ),
            400: error_response(
                400,
                error_body(_("该期间没有已确认的服务时长，无法出具证明。"), "invalid"),
            ),
        },
        examples=[
            example(
                "issue",
                {"volunteer": 1, "period_start": "2026-01-01", "period_end": "2026-12-31"},
                request=True,
            ),
            example("issued", CERTIFICATE_EXAMPLE, code="201"),
        ],
        tags=HOURS_TAGS,
    )
    def create(self, request, *args, **kwargs):
        body = s.CertificateIssueSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        try:
            certificate = certificates.certificate_issue(
                volunteer_id=data.pop("volunteer").pk, actor=request.user, **data
            )
        except NotInScope:
            raise NotInScope(
                s.NO_VOLUNTEER_IN_AREA, fields={"volunteer": [s.NO_VOLUNTEER_IN_AREA]}
            ) from None
        certificate = self.get_queryset().get(pk=certificate.pk)
        return Response(self.get_serializer(certificate).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        operation_id="certificates_revoke",
        summary=_("作废志愿服务证明"),
        description=_(
            "志愿者居住地辖区的管理员作废证明（须说明原因）；公开核验页随即显示“已作废”及原因。"
            "重复作废不改变原记录。志愿者本人不能作废 → 404。"
        ),
        request=s.CertificateRevokeSerializer,
        responses={200: s.CertificateSerializer, 404: error_response(404)},
        examples=[example("revoke", {"reason": "服务记录有误，重新出具"}, request=True)],
        tags=HOURS_TAGS,
    )
    @action(detail=True, methods=["post"], url_path="revoke")
    def revoke(self, request, pk: int):
        certificate = self.get_object()
        body = s.CertificateRevokeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        certificates.certificate_revoke(
            certificate_id=certificate.pk, actor=request.user, reason=body.validated_data["reason"]
        )
        certificate = self.get_queryset().get(pk=certificate.pk)
        return Response(self.get_serializer(certificate).data)
