"""Forms of the volunteers' pages: a certificate's period, a revocation reason."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.dates import MAX_DATE, MIN_DATE

# The browser's date picker offers only the dates the services accept (core.dates).
_BOUNDS = {"type": "date", "min": MIN_DATE.isoformat(), "max": MAX_DATE.isoformat()}


class PeriodForm(forms.Form):
    period_start = forms.DateField(
        label=_("服务起始日期"),
        widget=forms.DateInput(attrs=_BOUNDS),
    )
    period_end = forms.DateField(
        label=_("服务截止日期"),
        widget=forms.DateInput(attrs=_BOUNDS),
    )


class AdminCertificateForm(PeriodForm):
    volunteer = forms.IntegerField(label=_("志愿者编号（ID）"), min_value=1, max_value=2**31 - 1)


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("作废原因"), max_length=500)


class RecordRevokeForm(forms.Form):
    reason = forms.CharField(label=_("驳回原因"), max_length=500)


class RewardForm(forms.Form):
    name = forms.CharField(label=_("物品"), max_length=100)
    points = forms.IntegerField(label=_("所需积分"), min_value=1, max_value=1_000_000)
    stock = forms.IntegerField(label=_("库存"), min_value=0, max_value=1_000_000)
    is_active = forms.BooleanField(label=_("上架"), required=False, initial=True)


class RedeemForm(forms.Form):
    reward = forms.IntegerField(label=_("物品"), min_value=1, max_value=2**63 - 1)
    volunteer = forms.IntegerField(label=_("志愿者"), min_value=1, max_value=2**63 - 1)
