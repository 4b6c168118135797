from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core import phone as phone_numbers


class ResidentRequestForm(forms.Form):
    """A resident's request, by phone number: export their data, or erase it."""

    ACTIONS = [
        ("export_csv", _("导出 CSV")),
        ("export_json", _("导出 JSON")),
        ("erase", _("删除（匿名化）")),
    ]

    phone = forms.CharField(
        label=_("群众手机号"),
        max_length=20,
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "numeric"}),
    )
    action = forms.ChoiceField(choices=ACTIONS, widget=forms.HiddenInput, required=False)
    confirm = forms.BooleanField(
        label=_("我已核实本人的申请，确认删除（无法恢复）"),
        required=False,
    )

    def clean_phone(self) -> str:
        try:
            return phone_numbers.clean(self.cleaned_data["phone"])
        except ValidationError as exc:
            raise ValidationError(exc.messages) from None

    def clean(self):
        data = super().clean()
        if data.get("action") == "erase" and not data.get("confirm"):
            self.add_error("confirm", _("删除前请勾选确认。"))
        return data
