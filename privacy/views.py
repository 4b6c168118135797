"""The station's page for a resident's data request (PIPL): export it or erase it, by phone.

Area admins only (a station head for their village, a town admin for their town, the city for
all); anyone else gets a 404. Every export and erasure is logged by the service.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from core.downloads import content_disposition
from privacy import export, services
from privacy.forms import ResidentRequestForm
from privacy.models import PersonalDataAction
from stations.scope import scope_for


@never_cache
@login_required
@sensitive_post_parameters("phone")
@require_http_methods(["GET", "POST"])
def resident_data(request):
    if not scope_for(request.user).is_admin:
        raise Http404
    form = ResidentRequestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        phone, action = form.cleaned_data["phone"], form.cleaned_data["action"]
        if action == "erase":
            done = services.resident_erase(actor=request.user, phone=phone)
            messages.success(
                request,
                _(
                    "已删除（匿名化）%(orders)d 个点单、%(checkins)d 条签到、"
                    "%(applications)d 份志愿者申请、%(wishes)d 个心愿中的姓名和手机号。"
                )
                % done,
            )
            if done["pending_applications"]:
                # Privacy never decides an application (joining.services does): the admin does.
                messages.warning(
                    request,
                    ngettext(
                        "%(n)d 份待审核的志愿者申请未删除：请先在“志愿者申请”中审核，再删除。",
                        "%(n)d 份待审核的志愿者申请未删除：请先在“志愿者申请”中审核，再删除。",
                        done["pending_applications"],
                    )
                    % {"n": done["pending_applications"]},
                )
            return redirect("privacy:resident")
        records = services.resident_export(actor=request.user, phone=phone)
        stamp = timezone.localdate().strftime("%Y%m%d")
        if action == "export_json":
            response = HttpResponse(export.as_json(records), content_type="application/json")
            name = f"resident-data-{stamp}.json"
        else:
            response = HttpResponse(export.as_csv(records), content_type="text/csv; charset=utf-8")
            name = f"resident-data-{stamp}.csv"
        response["Content-Disposition"] = content_disposition(name)
        return response
    context = {
        "form": form,
        "actions": PersonalDataAction.objects.filter(actor=request.user)[:20],
    }
    return render(request, "privacy/resident.html", context, status=400 if form.errors else 200)
