"""Forms of the volunteers' pages: a certificate's period, a revocation reason."""

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

MIN_DATE, MAX_DATE = dt.date(2000, 1, 1), dt.date(2100, 12, 31)


class PeriodForm(forms.Form):
    period_start = forms.DateField(
        label=_("服务起始日期"),
        widget=forms.DateInput(attrs={"type": "date", "min": "2000-01-01", "max": "2100-12-31"}),
    )
    period_end = forms.DateField(
        label=_("服务截止日期"),
        widget=forms.DateInput(attrs={"type": "date", "min": "2000-01-01", "max": "2100-12-31"}),
    )


class AdminCertificateForm(PeriodForm):
    volunteer = forms.IntegerField(label=_("志愿者编号（ID）"), min_value=1, max_value=2**31 - 1)


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("作废原因"), max_length=500)
