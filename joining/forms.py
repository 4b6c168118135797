"""Forms of the joining pages: the application, a decline reason, the SMS password reset."""

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import SetPasswordForm
from django.utils.translation import gettext_lazy as _

from core import phone as phone_numbers
from volunteers.models import VolunteerApplication


class ApplicationForm(forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=50)
    phone = forms.CharField(
        label=_("手机号"),
        max_length=phone_numbers.MAX_INPUT_LENGTH,
        help_text=_("审核通过后，登录名和设置密码的链接会发到这个号码。"),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    skills = forms.TypedMultipleChoiceField(
        label=_("技能（可多选）"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    availability = forms.MultipleChoiceField(
        label=_("可服务时间（可多选）"),
        choices=VolunteerApplication.Availability.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    note = forms.CharField(
        label=_("补充说明"),
        max_length=200,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("选填，例如特长、可服务的地点。"),
    )
    consent = forms.BooleanField(
        label=_(
            "我已阅读并同意：按《志愿服务记录与证明出具办法（试行）》如实记录我的志愿服务信息"
            "（服务时间、地点、内容和时长），由组织方确认。"
        ),
        error_messages={"required": _("请阅读并同意志愿服务记录的规定。")},
    )

    def __init__(self, *args, skill_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["skills"].choices = skill_choices

    def clean_phone(self):
        return phone_numbers.clean(self.cleaned_data["phone"])


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("未通过的原因"),
        max_length=500,
        error_messages={"required": _("请填写未通过的原因。")},
    )


class PhoneForm(forms.Form):
    phone = forms.CharField(
        label=_("手机号"),
        max_length=phone_numbers.MAX_INPUT_LENGTH,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )

    def clean_phone(self):
        return phone_numbers.clean(self.cleaned_data["phone"])


class CodePasswordForm(PhoneForm):
    code = forms.CharField(
        label=_("短信验证码"),
        max_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )
    new_password1 = forms.CharField(
        label=_("新密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("至少 8 位，不能全是数字，不要用太常见的密码。"),
    )
    new_password2 = forms.CharField(
        label=_("再输入一次新密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        data = super().clean()
        one, two = data.get("new_password1"), data.get("new_password2")
        if one and two and one != two:
            self.add_error("new_password2", _("两次输入的密码不一致。"))
        elif one:
            try:
                # No user here: the page must read the same whether the phone has a login.
                password_validation.validate_password(one, None)
            except forms.ValidationError as exc:
                self.add_error("new_password1", exc)
        return data


class NewPasswordForm(SetPasswordForm):
    """Django's set-password form with the site's labels and a one-line hint (a phone screen has
    no room for the validators' list)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = CodePasswordForm.base_fields["new_password1"].label
        self.fields["new_password1"].help_text = CodePasswordForm.base_fields[
            "new_password1"
        ].help_text
        self.fields["new_password2"].label = CodePasswordForm.base_fields["new_password2"].label
        self.fields["new_password2"].help_text = ""
