"""Service records and certificates (issue 11): what a volunteer served, who recorded and
confirmed it, and the certificates issued from the confirmed hours."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.dates import validate_bounded
from core.fields import IdField
from core.filters import BOUNDED_DATE_SCHEMA
from stations.api.serializers import RefSerializer
from volunteers.hours import HoursField
from volunteers.models import Certificate, ServiceRecord, ServiceRecordChange, Volunteer


def person(user) -> str:
    """A login as shown on a record: the full name, else the username; empty for none."""
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


@extend_schema_field(BOUNDED_DATE_SCHEMA)
class BoundedDateField(serializers.DateField):
    """A date in 2000-2100 (core.dates)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("validators", [validate_bounded])
        super().__init__(**kwargs)


class RecordChangeSerializer(serializers.ModelSerializer):
    action_label = serializers.CharField(source="get_action_display", read_only=True)
    actor = serializers.SerializerMethodField(help_text=_("操作人；群众评价等无登录时为空"))

    class Meta:
        model = ServiceRecordChange
        fields = [
            "action",
            "action_label",
            "from_status",
            "to_status",
            "old_hours",
            "new_hours",
            "actor",
            "actor_label",
            "note",
            "created_at",
        ]

    def get_actor(self, change: ServiceRecordChange) -> str:
        return person(change.actor)


class ServiceRecordSerializer(serializers.ModelSerializer):
    """A service record (《志愿服务记录与证明出具办法（试行）》): what, when, where, how long,
    organised by whom, recorded and confirmed by whom."""

    volunteer = RefSerializer(read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    source_kind_label = serializers.CharField(source="get_source_kind_display", read_only=True)
    town = RefSerializer(read_only=True, allow_null=True)
    village = RefSerializer(read_only=True, allow_null=True)
    organiser_position = RefSerializer(read_only=True, allow_null=True)
    organiser_team = RefSerializer(read_only=True, allow_null=True)
    recorded_by = serializers.SerializerMethodField(help_text=_("记录人"))
    confirmed_by = serializers.SerializerMethodField(
        help_text=_("确认人；由群众评价确认时见 confirmed_label")
    )

    class Meta:
        model = ServiceRecord
        fields = [
            "id",
            "volunteer",
            "status",
            "status_label",
            "source_kind",
            "source_kind_label",
            "source_id",
            "source_label",
            "content",
            "category",
            "place",
            "service_date",
            "hours",
            "points_rate",
            "town",
            "village",
            "organiser_position",
            "organiser_team",
            "recorded_by",
            "recorded_at",
            "confirmed_by",
            "confirmed_label",
            "confirmed_at",
        ]

    def get_recorded_by(self, record: ServiceRecord) -> str:
        return person(record.recorded_by)

    def get_confirmed_by(self, record: ServiceRecord) -> str:
        return person(record.confirmed_by)


class ServiceRecordDetailSerializer(ServiceRecordSerializer):
    changes = RecordChangeSerializer(many=True, read_only=True, help_text=_("变更记录（留痕）"))

    class Meta(ServiceRecordSerializer.Meta):
        fields = [*ServiceRecordSerializer.Meta.fields, "changes"]


class RecordConfirmSerializer(serializers.Serializer):
    hours = HoursField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_("确认时更正的时长（小时，0.1–24）；不填则按登记的时长确认"),
    )


class RecordRevokeSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500, help_text=_("撤销原因（必填）"))


class CertificateSerializer(serializers.ModelSerializer):
    volunteer = RefSerializer(read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    issuer_position = RefSerializer(read_only=True, allow_null=True)
    verify_url = serializers.SerializerMethodField(help_text=_("公开核验页（二维码指向这里）"))
    pdf_url = serializers.SerializerMethodField(help_text=_("PDF（本人及管辖该志愿者的管理员）"))

    class Meta:
        model = Certificate
        fields = [
            "id",
            "number",
            "code",
            "volunteer",
            "period_start",
            "period_end",
            "hours",
            "record_count",
            "content",
            "issuer_position",
            "issuer_name",
            "issuer_head",
            "handler_name",
            "contact",
            "issued_at",
            "status",
            "status_label",
            "revoked_at",
            "revoke_reason",
            "verify_url",
            "pdf_url",
        ]

    def _absolute(self, path: str) -> str:
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path

    def get_verify_url(self, certificate: Certificate) -> str:
        return self._absolute(reverse("volunteers:certificate_verify", args=[certificate.code]))

    def get_pdf_url(self, certificate: Certificate) -> str:
        return self._absolute(reverse("volunteers:certificate_pdf", args=[certificate.code]))


# What an unknown id in a body says (core.fields.IdField: a 404 naming the field); for a
# certificate also what a volunteer outside the caller's area says, so the two read the same.
NO_VOLUNTEER_IN_AREA = _("志愿者不存在或不在您的管辖范围内。")


class CertificateIssueSerializer(serializers.Serializer):
    volunteer = IdField(
        queryset=Volunteer.objects.all(),
        help_text=_("志愿者 id"),
        error_messages={"does_not_exist": NO_VOLUNTEER_IN_AREA},
    )
    period_start = BoundedDateField(help_text=_("服务起始日期"))
    period_end = BoundedDateField(help_text=_("服务截止日期"))


class CertificateRevokeSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500, help_text=_("作废原因（必填）"))
