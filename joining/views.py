"""Pages for joining and getting back in: 成为志愿者 (public), the area's queue of applications,
password reset by e-mail (Django's views) and by SMS code. Views are thin: check the area
(404 outside it), call one service, redirect with a message."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core import phone as phone_numbers
from core import retry
from core.client_ip import client_ip
from core.errors import DomainError, InvalidInput, NotInScope
from core.params import id_or_none
from joining import selectors, services
from joining.forms import ApplicationForm, CodePasswordForm, DeclineForm, NewPasswordForm, PhoneForm
from notifications.phone_codes import CODE_MINUTES, phone_code_issue
from orders import ratelimit
from stations import picker
from stations.models import Village
from stations.scope import scope_for

APPLY_SCOPE = "volunteer_apply_ip"
# The SMS code budgets of "find my orders": one budget per phone, whichever page asks.
CODE_IP_SCOPE = "phone_code_ip"
CODE_PHONE_SCOPE = "phone_code_phone"
RESET_EMAIL_SCOPE = "password_reset_ip"


# --- 成为志愿者 -----------------------------------------------------------------------------


@never_cache
@sensitive_post_parameters("name", "phone")
@require_http_methods(["GET", "POST"])
def join(request):
    """Two steps like the order form, without JavaScript too: the village, then the form."""
    village = picker.chosen(request)
    if village is None:
        return _village_picker(request)

    choices = selectors.skill_choices()
    context = {"village": village}
    if request.method == "GET":
        context["form"] = ApplicationForm(skill_choices=choices)
        return render(request, "joining/join_form.html", context)
    form = ApplicationForm(request.POST, skill_choices=choices)
    context["form"] = form
    wait = ratelimit.hit(APPLY_SCOPE, client_ip(request))
    if wait:
        return retry.page(request, "joining/join_form.html", context, wait)
    if not form.is_valid():
        return render(request, "joining/join_form.html", context, status=400)
    data = form.cleaned_data
    try:
        services.application_submit(
            name=data["name"],
            phone=data["phone"],
            village=village,
            skill_ids=data["skills"],
            availability=data["availability"],
            note=data["note"],
            consent=data["consent"],
        )
    except InvalidInput as exc:
        for field, errors in exc.fields.items():
            for error in errors:
                form.add_error(field if field in form.fields else None, error)
        return render(request, "joining/join_form.html", context, status=400)
    except DomainError as exc:  # a pending application, or already a volunteer
        context["refused"] = exc.message
        return render(request, "joining/join_form.html", context, status=409)
    return redirect(f"{reverse('joining:join_sent')}?village={village.pk}")


def _village_picker(request):
    """The order form's first step (``stations.picker``), leading here."""
    return picker.picker_page(
        request, template="joining/join_village.html", next_url=reverse("joining:join")
    )


@require_GET
def join_sent(request):
    village = Village.objects.filter(pk=id_or_none(request.GET.get("village"))).first()
    return render(request, "joining/join_sent.html", {"village": village})


# --- the area's queue ---------------------------------------------------------------------------


def _scope_or_404(request):
    scope = scope_for(request.user)
    if scope.is_empty:
        raise Http404
    return scope


@login_required
@require_GET
def queue(request):
    """Applications waiting for the caller's area, oldest first, and the latest decisions."""
    scope = _scope_or_404(request)
    pending = list(selectors.pending_in_scope(scope)[:100])
    decided = selectors.decided_in_scope(scope)
    selectors.skill_names(pending)
    return render(
        request,
        "joining/queue.html",
        {"pending": pending, "decided": decided, "decline_form": DeclineForm()},
    )


@login_required
@require_POST
def approve(request, pk: int):
    _scope_or_404(request)
    try:
        volunteer = services.application_approve(application_id=pk, by=request.user)
    except NotInScope:
        raise Http404 from None
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(
            request,
            _("已通过：%(name)s 已加入志愿服务队，设置密码的短信已发出。")
            % {"name": volunteer.name},
        )
    return redirect("joining:queue")


@login_required
@require_POST
def decline(request, pk: int):
    _scope_or_404(request)
    form = DeclineForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        application = services.application_decline(
            application_id=pk, by=request.user, reason=reason
        )
    except NotInScope:
        raise Http404 from None
    except InvalidInput as exc:
        details = [str(m) for msgs in exc.fields.values() for m in msgs]
        messages.error(request, " ".join(details) or str(exc.message))
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("已回复 %(name)s：未通过。") % {"name": application.name})
    return redirect("joining:queue")


# --- password reset by SMS code -----------------------------------------------------------------


def _sms_page(request, context: dict, status: int = 200, wait: int | None = None) -> HttpResponse:
    if wait:
        return retry.page(request, "joining/password_sms.html", context, wait)
    return render(request, "joining/password_sms.html", context, status=status)


@never_cache
@sensitive_post_parameters("phone", "code", "new_password1", "new_password2")
@require_http_methods(["GET", "POST"])
def password_sms(request):
    """找回密码: the phone, then the SMS code with the new password. The page reads the same
    whether or not the phone belongs to a login (a code is sent only when it does)."""
    if request.method == "GET":
        return _sms_page(request, {"form": PhoneForm(), "step": "phone"})
    action = request.POST.get("action", "")
    wait = ratelimit.hit(CODE_IP_SCOPE, client_ip(request))
    if action == "send":
        form = PhoneForm(request.POST)
        context = {"form": form, "step": "phone"}
        if wait:
            return _sms_page(request, context, wait=wait)
        if not form.is_valid():
            return _sms_page(request, context, status=400)
        phone = form.cleaned_data["phone"]
        wait = ratelimit.hit(CODE_PHONE_SCOPE, phone)
        if wait:
            return _sms_page(request, context, wait=wait)
        phone_code_issue(phone=phone, send=bool(selectors.logins_for_phone(phone)))
        return _sms_page(
            request,
            {
                "form": CodePasswordForm(initial={"phone": phone}),
                "step": "code",
                "sent": _(
                    "如果该号码绑定了账号，验证码已发送到 %(masked)s，%(minutes)d 分钟内有效。"
                )
                % {"masked": phone_numbers.mask(phone), "minutes": CODE_MINUTES},
            },
        )
    if action == "reset":
        form = CodePasswordForm(request.POST)
        context = {"form": form, "step": "code"}
        if wait:
            return _sms_page(request, context, wait=wait)
        if not form.is_valid():
            return _sms_page(request, context, status=400)
        data = form.cleaned_data
        try:
            users = services.password_reset_by_phone(
                phone=data["phone"], code=data["code"], password=data["new_password1"]
            )
        except InvalidInput as exc:
            for field, errors in exc.fields.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
            return _sms_page(request, context, status=400)
        request.session["joining_reset_logins"] = {
            "names": [u.get_username() for u in users],
            "until": (timezone.now() + dt.timedelta(minutes=10)).isoformat(),
        }
        return redirect("joining:password_reset_complete")
    return _sms_page(request, {"form": PhoneForm(), "step": "phone"}, status=400)


# --- password reset by e-mail, and the one-time set-password link (Django's views) -------------


class EmailPasswordResetView(auth_views.PasswordResetView):
    """Django's reset by e-mail, in the site's style, counted per address."""

    template_name = "joining/password_reset_form.html"
    email_template_name = "joining/password_reset_email.txt"
    subject_template_name = "joining/password_reset_subject.txt"
    success_url = reverse_lazy("joining:password_reset_done")

    def form_valid(self, form):
        wait = ratelimit.hit(RESET_EMAIL_SCOPE, client_ip(self.request))
        if wait:
            return retry.page(self.request, self.template_name, {"form": form}, wait)
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "joining/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """The one-time link of an e-mail reset and of an approved application alike."""

    template_name = "joining/password_reset_confirm.html"
    form_class = NewPasswordForm
    success_url = reverse_lazy("joining:password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        services.unlock_login(form.user)
        return response


@require_GET
def password_reset_complete(request):
    """密码已设置: where both ways of setting a password end; names the logins an SMS reset set."""
    names = []
    data = request.session.pop("joining_reset_logins", None) or {}
    try:
        if dt.datetime.fromisoformat(data.get("until", "")) > timezone.now():
            names = data.get("names", [])
    except (TypeError, ValueError):
        pass
    return render(request, "joining/password_reset_complete.html", {"names": names})
