"""Forms for the order pages. Validation that is a domain rule lives in the services; these
forms only shape input (types, required fields) and show the services' messages per field."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import phone as phone_numbers
from orders.models import TargetGroup
from volunteers.hours import HoursFormField


class OrderForm(forms.Form):
    menu_item = forms.TypedChoiceField(label=_("服务项"), coerce=int, choices=())
    preferred_date = forms.DateField(
        label=_("期望日期"),
        required=False,
        # ISO, whatever the language: a date input shows nothing for "2026/12/05".
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )
    preferred_window = forms.CharField(
        label=_("期望时段"),
        required=False,
        max_length=50,
        widget=forms.TextInput(attrs={"placeholder": _("例如：周末上午")}),
    )
    people = forms.IntegerField(
        label=_("服务人数"),
        min_value=1,
        max_value=10000,
        initial=1,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    description = forms.CharField(
        label=_("需求描述"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": _("想要什么样的服务，在哪里")}),
    )
    name = forms.CharField(label=_("联系人"), max_length=50)
    phone = forms.CharField(
        label=_("手机号"),
        max_length=phone_numbers.MAX_INPUT_LENGTH,
        widget=forms.TextInput(
            attrs={"type": "tel", "inputmode": "numeric", "autocomplete": "tel"}
        ),
        help_text=_("仅接单志愿者和站长可见完整号码。"),
    )
    target_group = forms.ChoiceField(
        label=_("定向服务对象（可选）"),
        required=False,
        choices=[("", _("面向全体群众"))] + list(TargetGroup.choices),
    )

    def __init__(self, *args, menu_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["menu_item"].choices = [("", _("请选择服务项"))] + list(menu_choices)

    def clean_phone(self) -> str:
        try:
            return phone_numbers.clean(self.cleaned_data["phone"])
        except ValidationError as exc:
            raise ValidationError(exc.messages) from None


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("原因"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class OptionalReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("取消原因（可选）"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class RateForm(forms.Form):
    stars = forms.TypedChoiceField(
        label=_("评分"),
        coerce=int,
        choices=[(n, "★" * n) for n in range(5, 0, -1)],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("评价（可选）"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CompleteForm(forms.Form):
    service_date = forms.DateField(
        label=_("服务日期"),
        # ISO, whatever the language: a date input ignores "2026/11/30" (zh-hans's format) and
        # then refuses the form as empty.
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )
    hours = HoursFormField()
    note = forms.CharField(
        label=_("服务记录"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"service_date": timezone.localdate()})
        super().__init__(*args, **kwargs)


class AssignForm(forms.Form):
    volunteer = forms.ModelChoiceField(label=_("派给志愿者"), queryset=None, required=False)
    team = forms.ModelChoiceField(label=_("或派给队伍"), queryset=None, required=False)

    def __init__(self, *args, volunteers, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["volunteer"].queryset = volunteers
        self.fields["team"].queryset = teams

    def clean(self):
        data = super().clean()
        if bool(data.get("volunteer")) == bool(data.get("team")):
            raise ValidationError(_("请选择一名志愿者或一支队伍（二选一）。"))
        return data


class FollowUpForm(forms.Form):
    note = forms.CharField(
        label=_("回访记录"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    reopen = forms.BooleanField(
        label=_("为群众新开一个点单，重新安排服务"),
        required=False,
        help_text=_("新点单与本单关联，直接开放接单，并以短信告知群众新的查询链接。"),
    )


class ProxyOrderForm(OrderForm):
    """帮办点单: the order form plus the resident's consent. Consent is checked by the service
    (``order_submit_for_resident``), so the page and any other caller refuse it alike."""

    consent = forms.BooleanField(
        label=_("居民已同意代为点单"),
        required=False,
        widget=forms.CheckboxInput(attrs={"required": True}),
        help_text=_("请先向居民说明：由您代为点单，进度短信将发到居民的手机。"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].label = _("居民姓名")
        self.fields["phone"].label = _("居民手机号")
        self.fields["phone"].help_text = _("点单进度短信发到这个号码。")
