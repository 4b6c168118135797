"""The volunteer's service records and certificates, the admins' certificate page, and the
public verification page. Thin: fetch within the caller's area (404 outside it), call one
service, redirect with a message."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.errors import DomainError, InvalidInput, NotInScope
from stations.scope import scope_for
from volunteers import certificate_pdf as pdf
from volunteers import selectors, services
from volunteers.forms import AdminCertificateForm, PeriodForm, RevokeForm
from volunteers.models import Certificate, Volunteer, mask_name


def _own_volunteer(request) -> Volunteer:
    volunteer = Volunteer.objects.select_related("home_village").filter(user=request.user).first()
    if volunteer is None:
        raise Http404(_("您的账号未登记为志愿者。"))
    return volunteer


def _error_text(exc: DomainError) -> str:
    details = [str(m) for msgs in exc.fields.values() for m in msgs]
    return " ".join([str(exc.message), *details])


@login_required
@require_GET
def my_records(request):
    """The volunteer's service records (pending and confirmed) and certificates."""
    volunteer = _own_volunteer(request)
    page = Paginator(selectors.records_of(volunteer), 50).get_page(request.GET.get("page"))
    context = {
        "volunteer": volunteer,
        "page": page,
        "totals": selectors.record_totals(volunteer),
        "certificates": list(volunteer.certificates.order_by("-issued_at", "-id")[:50]),
        "form": PeriodForm(),
    }
    return render(request, "volunteers/my_records.html", context)


@login_required
@require_POST
def my_certificate_request(request):
    volunteer = _own_volunteer(request)
    form = PeriodForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写正确的服务期间。"))
        return redirect("volunteers:my_records")
    try:
        certificate = services.certificate_issue(
            volunteer_id=volunteer.pk, actor=request.user, **form.cleaned_data
        )
    except DomainError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(
            request, _("已出具志愿服务证明 %(number)s。") % {"number": certificate.number}
        )
    return redirect("volunteers:my_records")


@login_required
def certificates(request):
    """Area admins: the certificates of their area's volunteers; issue one; revoke one."""
    scope = scope_for(request.user)
    if not scope.is_admin:
        raise Http404
    form = AdminCertificateForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                certificate = services.certificate_issue(
                    volunteer_id=data.pop("volunteer"), actor=request.user, **data
                )
            except NotInScope:
                messages.error(request, _("未找到该志愿者。"))
            except DomainError as exc:
                messages.error(request, _error_text(exc))
            else:
                messages.success(
                    request, _("已出具志愿服务证明 %(number)s。") % {"number": certificate.number}
                )
                return redirect("volunteers:certificates")
        else:
            messages.error(request, _("请检查志愿者和服务期间。"))
    page = Paginator(selectors.certificates_in_scope(scope), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "volunteers/certificates.html",
        {"page": page, "form": form, "revoke_form": RevokeForm()},
        status=400 if request.method == "POST" else 200,
    )


@require_GET
def certificate_verify(request, code: str):
    """Public: is this certificate genuine and valid? The name is masked."""
    certificate = Certificate.objects.select_related("volunteer").filter(code=code[:32]).first()
    if certificate is None:
        raise Http404(_("未找到该证明。"))
    return render(
        request,
        "volunteers/certificate_verify.html",
        {"certificate": certificate, "masked_name": mask_name(certificate.volunteer.name)},
    )


def _certificate_for(request, code: str) -> Certificate:
    certificate = Certificate.objects.select_related("volunteer").filter(code=code[:32]).first()
    if certificate is None or not request.user.is_authenticated:
        raise Http404
    own = certificate.volunteer.user_id == request.user.pk
    if not own and not services.may_certify(request.user, certificate.volunteer):
        raise Http404
    return certificate


@login_required
@require_GET
def certificate_pdf(request, code: str):
    """The PDF, for the volunteer and the admins of their area."""
    certificate = _certificate_for(request, code)
    response = HttpResponse(pdf.render(certificate), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{certificate.number}.pdf"'
    return response


@login_required
@require_POST
def certificate_revoke(request, code: str):
    certificate = _certificate_for(request, code)
    form = RevokeForm(request.POST)
    try:
        if not form.is_valid():
            raise InvalidInput(_("请填写作废原因。"))
        services.certificate_revoke(
            certificate_id=certificate.pk, actor=request.user, reason=form.cleaned_data["reason"]
        )
    except NotInScope:
        raise Http404 from None
    except DomainError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("证明已作废。"))
    return redirect("volunteers:certificates")
