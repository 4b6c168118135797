"""The volunteer's service records and certificates, the admins' certificate page, and the
public verification page. Thin: fetch within the caller's area (404 outside it), call one
service, redirect with a message."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.downloads import content_disposition
from core.errors import DomainError, InvalidInput, NotInScope
from core.params import is_digits
from stations.models import Position
from stations.scope import scope_for
from volunteers import certificate_pdf as pdf
from volunteers import certificates as certificate_services
from volunteers import points as volunteer_points
from volunteers import records as record_services
from volunteers import selectors
from volunteers.forms import (
    AdminCertificateForm,
    PeriodForm,
    RecordRevokeForm,
    RedeemForm,
    RevokeForm,
    RewardForm,
)
from volunteers.models import Certificate, Reward, Volunteer, mask_name


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
        certificate = certificate_services.certificate_issue(
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
                certificate = certificate_services.certificate_issue(
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
    if not own and not certificate_services.may_certify(request.user, certificate.volunteer):
        raise Http404
    return certificate


@login_required
@require_GET
def certificate_pdf(request, code: str):
    """The PDF, for the volunteer and the admins of their area."""
    certificate = _certificate_for(request, code)
    response = HttpResponse(pdf.render(certificate), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition(
        f"{certificate.number}.pdf", disposition="inline"
    )
    return response


@login_required
@require_POST
def certificate_revoke(request, code: str):
    certificate = _certificate_for(request, code)
    form = RevokeForm(request.POST)
    try:
        if not form.is_valid():
            raise InvalidInput(_("请填写作废原因。"))
        certificate_services.certificate_revoke(
            certificate_id=certificate.pk, actor=request.user, reason=form.cleaned_data["reason"]
        )
    except NotInScope:
        raise Http404 from None
    except DomainError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("证明已作废。"))
    return redirect("volunteers:certificates")


# --- organisers: pending hours older than 30 days --------------------------------------------


def _require_admin(request):
    scope = scope_for(request.user)
    if not scope.is_admin:
        raise Http404
    return scope


@login_required
@require_GET
def hours_overdue(request):
    """Pending hours recorded more than ``WENMING_HOURS_PENDING_DAYS`` ago in the caller's
    area (or organised by their station), oldest first, to confirm or reject."""
    scope = _require_admin(request)
    records = selectors.pending_overdue(scope).select_related(
        "volunteer", "village", "town", "organiser_position", "recorded_by"
    )
    page = Paginator(records, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "volunteers/hours_overdue.html",
        {"page": page, "days": settings.WENMING_HOURS_PENDING_DAYS},
    )


def _back_to_overdue(request):
    page = request.POST.get("page", "")
    url = reverse("volunteers:hours_overdue")
    return redirect(f"{url}?page={page}" if is_digits(page) else url)


@login_required
@require_POST
def hours_record_confirm(request, pk: int):
    _require_admin(request)
    try:
        _record, changed = record_services.record_confirm(record_id=pk, actor=request.user)
    except NotInScope:
        raise Http404 from None
    except DomainError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("已确认服务时长。") if changed else _("该时长此前已确认。"))
    return _back_to_overdue(request)


@login_required
@require_POST
def hours_record_revoke(request, pk: int):
    _require_admin(request)
    form = RecordRevokeForm(request.POST)
    try:
        if not form.is_valid():
            raise InvalidInput(_("请填写驳回原因（不超过 500 字）。"))
        record_services.record_revoke(
            record_id=pk, actor=request.user, reason=form.cleaned_data["reason"]
        )
    except NotInScope:
        raise Http404 from None
    except DomainError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("已驳回该服务时长，不计入累计时长和积分。"))
    return _back_to_overdue(request)


# --- a station head's points supermarket (积分超市) --------------------------------------------


def _kept_stations(request) -> list[Position]:
    scope = _require_admin(request)
    stations = list(
        Position.objects.filter(level=Position.Level.STATION, is_active=True)
        .filter(selectors.position_q(scope))
        .select_related("village")
        .order_by("town_id", "village__name", "id")[:500]
    )
    if not stations:
        raise Http404
    return stations


def _station_for(request, stations: list[Position], raw) -> Position:
    if raw in (None, ""):
        return stations[0]
    wanted = int(raw) if is_digits(str(raw)) else None
    for station in stations:
        if station.pk == wanted:
            return station
    raise Http404


def _rewards_url(station: Position) -> str:
    return f"{reverse('volunteers:rewards')}?position={station.pk}"


@login_required
def rewards(request):
    """The station's points supermarket: its items (add, change, stock), redeem an item for a
    volunteer (a confirmation step shows the balance first), and the redemption history."""
    stations = _kept_stations(request)
    station = _station_for(
        request, stations, request.GET.get("position") or request.POST.get("position")
    )
    form = RewardForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                reward = volunteer_points.reward_create(
                    actor=request.user,
                    position_id=station.pk,
                    name=form.cleaned_data["name"],
                    points=form.cleaned_data["points"],
                    stock=form.cleaned_data["stock"],
                )
            except NotInScope:
                raise Http404 from None
            except DomainError as exc:
                messages.error(request, _error_text(exc))
            else:
                messages.success(request, _("已新增物品：%(name)s。") % {"name": reward.name})
                return redirect(_rewards_url(station))
        else:
            messages.error(request, _("请检查物品名称、所需积分和库存。"))
    items = list(Reward.objects.filter(position=station).order_by("-is_active", "points", "name"))
    history = Paginator(
        selectors.redemptions_visible(request.user).filter(reward__position=station),
        30,
    ).get_page(request.GET.get("page"))
    context = {
        "stations": stations,
        "station": station,
        "items": items,
        "form": form,
        "volunteers": selectors.volunteers_with_balance(village_id=station.village_id),
        "history": history,
    }
    return render(
        request,
        "volunteers/rewards.html",
        context,
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def reward_update(request, pk: int):
    stations = _kept_stations(request)
    reward = Reward.objects.filter(pk=pk, position__in=stations).first()
    if reward is None:
        raise Http404
    form = RewardForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请检查物品名称、所需积分和库存。"))
        return redirect(_rewards_url(reward.position))
    try:
        volunteer_points.reward_update(actor=request.user, reward_id=reward.pk, **form.cleaned_data)
    except NotInScope:
        raise Http404 from None
    except DomainError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("已保存物品：%(name)s。") % {"name": form.cleaned_data["name"]})
    return redirect(_rewards_url(reward.position))


@login_required
@require_POST
def reward_redeem(request):
    """Two steps: the head picks an item and a volunteer, sees the volunteer's balance and what
    remains after, and confirms; only the confirmed POST (``confirm=1``) redeems."""
    stations = _kept_stations(request)
    form = RedeemForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择物品和志愿者。"))
        return redirect("volunteers:rewards")
    reward = (
        Reward.objects.select_related("position")
        .filter(pk=form.cleaned_data["reward"], position__in=stations)
        .first()
    )
    if reward is None:
        raise Http404
    volunteer = Volunteer.objects.filter(pk=form.cleaned_data["volunteer"]).first()
    if volunteer is None:
        messages.error(request, _("志愿者不存在。"))
        return redirect(_rewards_url(reward.position))
    if request.POST.get("confirm") != "1":
        summary = selectors.points_summary(volunteer.pk)
        return render(
            request,
            "volunteers/reward_redeem_confirm.html",
            {
                "reward": reward,
                "volunteer": volunteer,
                "summary": summary,
                "after": summary["balance"] - reward.points,
            },
        )
    try:
        volunteer_points.redeem(actor=request.user, reward_id=reward.pk, volunteer_id=volunteer.pk)
    except NotInScope:
        raise Http404 from None
    except DomainError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(
            request,
            _("%(volunteer)s 已兑换 %(reward)s，扣除 %(points)s 分。")
            % {"volunteer": volunteer.name, "reward": reward.name, "points": reward.points},
        )
    return redirect(_rewards_url(reward.position))
