"""Forms for events pages. They validate input only; the services do the writing."""

from __future__ import annotations

from operator import attrgetter

from django import forms
from django.utils.translation import gettext_lazy as _

from core import phone as phone_numbers
from core.dates import validate_bounded
from events.models import DESCRIPTION_MAX, MAX_COUNT, REASON_MAX, Event, EventPhoto
from orders.models import Platform, ServiceCategory
from stations.models import Village
from volunteers.hours import HoursFormField


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class EventForm(forms.Form):
    title = forms.CharField(label=_("活动名称"), max_length=150)
    category = forms.ModelChoiceField(label=_("服务类别"), queryset=ServiceCategory.objects.all())
    platform = forms.ModelChoiceField(
        label=_("服务平台"), queryset=Platform.objects.all(), required=False
    )
    start = forms.DateTimeField(
        label=_("开始时间"),
        widget=DateTimeLocalInput(),
        input_formats=["%Y-%m-%dT%H:%M"],
        validators=[validate_bounded],
    )
    end = forms.DateTimeField(
        label=_("结束时间"),
        widget=DateTimeLocalInput(),
        input_formats=["%Y-%m-%dT%H:%M"],
        validators=[validate_bounded],
    )
    village = forms.ModelChoiceField(
        label=_("村（社区）"),
        queryset=Village.objects.none(),
        required=False,
        help_text=_("站长的活动默认在本站所在村。"),
    )
    venue_address = forms.CharField(
        label=_("活动地点"),
        max_length=200,
        required=False,
        help_text=_("留空则在本实践站举办。"),
    )
    description = forms.CharField(
        label=_("活动内容"), widget=forms.Textarea, required=False, max_length=DESCRIPTION_MAX
    )
    capacity = forms.IntegerField(
        label=_("人数上限"), min_value=1, max_value=MAX_COUNT, required=False
    )
    audience = forms.ChoiceField(label=_("服务对象"), required=False)

    def __init__(self, *args, villages=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["audience"].choices = [("", _("全体群众"))] + list(
            Event._meta.get_field("audience").choices
        )
        if villages is None:
            del self.fields["village"]
        else:
            self.fields["village"].queryset = villages.select_related("town")
            # Village names repeat across towns: "孙埠村（东沙河街道）".
            self.fields["village"].label_from_instance = attrgetter("label")

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("结束时间不能早于开始时间。"))
        return data


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("取消原因"), widget=forms.Textarea(attrs={"rows": 2}), max_length=REASON_MAX
    )


class CompleteForm(forms.Form):
    attendance = forms.IntegerField(
        label=_("参与人数"), min_value=0, max_value=MAX_COUNT, required=False
    )
    results_note = forms.CharField(
        label=_("活动成效"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=DESCRIPTION_MAX,
    )


class ConfirmVolunteerForm(forms.Form):
    volunteer = forms.IntegerField(label=_("志愿者编号"), min_value=1)
    hours = HoursFormField()


class CheckInForm(forms.Form):
    # The rotating code from the venue's QR (events.checkin_token); checked by the service.
    token = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)
    name = forms.CharField(label=_("姓名"), max_length=50)
    phone = forms.CharField(
        label=_("手机号"),
        max_length=phone_numbers.MAX_INPUT_LENGTH,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "tel"}),
    )

    def clean_phone(self) -> str:
        return phone_numbers.clean(self.cleaned_data["phone"])


class PhotoForm(forms.ModelForm):
    class Meta:
        model = EventPhoto
        fields = ["image", "caption"]
