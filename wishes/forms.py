"""Forms for the wish wall: they shape input; the rules (length, no phone in public text) are
the services', whose messages the views show per field."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core import phone as phone_numbers
from wishes.models import DESCRIPTION_MAX, NAME_MAX, NOTE_MAX, REASON_MAX


class WishForm(forms.Form):
    category = forms.TypedChoiceField(label=_("类别"), coerce=int, choices=())
    description = forms.CharField(
        label=_("心愿内容"),
        # The service checks the length and says how long it is; the browser's own limit
        # would cut the text silently.
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": _("例如：想请人教老人用智能手机")}),
        help_text=_("最多 %(n)d 字，审核后公开展示；请不要填写电话号码。") % {"n": DESCRIPTION_MAX},
    )
    name = forms.CharField(label=_("称呼（可选）"), required=False, max_length=NAME_MAX)
    phone = forms.CharField(
        label=_("手机号"),
        max_length=phone_numbers.MAX_INPUT_LENGTH,
        widget=forms.TextInput(
            attrs={"type": "tel", "inputmode": "numeric", "autocomplete": "tel"}
        ),
        help_text=_("不公开，仅站长和认领的志愿者可见。"),
    )

    def __init__(self, *args, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", _("请选择类别"))] + [
            (c.pk, c.name) for c in categories
        ]


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("原因"), max_length=REASON_MAX)


class FulfilForm(forms.Form):
    note = forms.CharField(
        label=_("实现情况"), max_length=NOTE_MAX, widget=forms.Textarea(attrs={"rows": 2})
    )


class EventForm(forms.Form):
    start = forms.DateTimeField(
        label=_("开始时间"),
        widget=forms.DateTimeInput(format="%Y-%m-%dT%H:%M", attrs={"type": "datetime-local"}),
    )
    end = forms.DateTimeField(
        label=_("结束时间"),
        widget=forms.DateTimeInput(format="%Y-%m-%dT%H:%M", attrs={"type": "datetime-local"}),
    )

    def clean(self):
        from core import dates

        data = super().clean()
        for key in ("start", "end"):
            value = data.get(key)
            if value is not None and not dates.in_range(value.date()):
                self.add_error(key, dates.OUT_OF_RANGE_MESSAGE % dates.YEARS)
        return data


class SuggestionForm(forms.Form):
    title = forms.CharField(label=_("建议服务名称"), max_length=100)
    description = forms.CharField(
        label=_("说明"),
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
