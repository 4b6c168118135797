"""Wish wall pages (心愿墙): the public wall and form, one wish, the moderation queue, and the
steps (approve, reject, claim, release, fulfil, turn into an event or a menu suggestion).
Thin views: fetch within the caller's sight (404 outside it), call one service, redirect."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core import retry
from core.client_ip import client_ip
from core.errors import DomainError, InvalidInput, NotInScope, PermissionDenied
from core.params import id_or_none
from orders import ratelimit
from orders.eligibility import login_volunteer, volunteer_eligibility
from orders.models import ServiceCategory
from stations.models import Town, Village
from stations.scope import scope_for
from wishes import selectors, services
from wishes.forms import EventForm, FulfilForm, ReasonForm, SuggestionForm, WishForm

PAGE_SIZE = 30
RATE_SCOPE = services.SUBMIT_RATE_SCOPE


@require_GET
def wish_wall(request):
    """The public wall: approved wishes of a town or village, newest first; an eligible
    volunteer sees a claim button on the open wishes of their town."""
    town_id = id_or_none(request.GET.get("town"))
    village_id = id_or_none(request.GET.get("village"))
    village = Village.objects.select_related("town").filter(pk=village_id).first()
    town = village.town if village else Town.objects.filter(pk=town_id).first()
    qs = selectors.public_wishes(
        town_id=town.pk if town else None, village_id=village.pk if village else None
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    volunteer = login_volunteer(request.user)
    claim_town = volunteer.town_id if volunteer is not None and volunteer.is_active else None
    context = {
        "page": page,
        "town": town,
        "village": village,
        "towns": Town.objects.order_by("sort_order", "name"),
        "claim_town": claim_town,
        "is_admin": scope_for(request.user).is_admin,
    }
    return render(request, "wishes/wall.html", context)


@never_cache
@sensitive_post_parameters("name", "phone")
@require_http_methods(["GET", "POST"])
def wish_new(request):
    """Post a wish: pick the town and village (links, no JavaScript needed), then the form."""
    village_id = id_or_none(request.POST.get("village") or request.GET.get("village"))
    village = Village.objects.select_related("town").filter(pk=village_id).first()
    if village is None:
        town = Town.objects.filter(pk=id_or_none(request.GET.get("town"))).first()
        context = {
            "towns": Town.objects.order_by("sort_order", "name"),
            "town": town,
            "villages": town.villages.order_by("name") if town else [],
        }
        return render(request, "wishes/pick_village.html", context)
    categories = list(ServiceCategory.objects.order_by("sort_order", "name"))
    form = WishForm(request.POST or None, categories=categories)
    context = {"village": village, "form": form}
    if request.method == "POST":
        wait = ratelimit.hit(RATE_SCOPE, client_ip(request))
        if wait is not None:
            return retry.page(request, "wishes/wish_form.html", context, wait, retry.SUBMIT)
        if form.is_valid():
            data = form.cleaned_data
            category = next(c for c in categories if c.pk == data["category"])
            try:
                services.wish_submit(
                    village=village,
                    category=category,
                    description=data["description"],
                    phone=data["phone"],
                    name=data["name"],
                )
            except InvalidInput as exc:
                for field, errors in exc.fields.items():
                    for error in errors:
                        form.add_error(field if field in form.fields else None, error)
            else:
                messages.success(
                    request,
                    _("心愿已提交，实践站审核后会公开在心愿墙上。志愿者会通过手机号联系您。"),
                )
                return redirect(f"{request.path}?village={village.pk}&sent=1")
        # Like the order form: the page again with the messages (a 400 would be a console error).
        return render(request, "wishes/wish_form.html", context)
    context["sent"] = request.GET.get("sent") == "1"
    return render(request, "wishes/wish_form.html", context)


@require_GET
def wish_detail(request, pk: int):
    wish = selectors.visible_wish(request.user, pk)
    if wish is None:
        raise Http404
    volunteer = login_volunteer(request.user)
    administers = selectors.administers(request.user, wish)
    context = {
        "wish": wish,
        "administers": administers,
        "show_contact": selectors.may_see_contact(request.user, wish),
        "may_claim": wish.may_claim and volunteer_eligibility(volunteer, town_id=wish.town_id).ok,
        "is_worker": volunteer is not None and volunteer.pk == wish.claimed_by_id,
        "timeline": selectors.timeline(wish) if administers else [],
        "reason_form": ReasonForm(),
        "fulfil_form": FulfilForm(),
        "event_form": EventForm(),
        "suggestion_form": SuggestionForm(initial={"title": wish.description[:100]}),
    }
    return render(request, "wishes/wish_detail.html", context)


@login_required
@require_GET
def moderation(request):
    """The station head's queue: wishes waiting for review, then the area's other wishes."""
    if not scope_for(request.user).is_admin:
        raise Http404
    context = {
        "queue": list(selectors.moderation_queue(request.user)[:200]),
        "recent": list(
            selectors.administered_wishes(request.user)
            .exclude(status=services.S.SUBMITTED)
            .order_by("-updated_at", "-id")[:50]
        ),
    }
    return render(request, "wishes/moderation.html", context)


def _call(request, action) -> bool:
    """Run a step; domain errors become a message (404/403 stay errors). True on success."""
    try:
        action()
    except NotInScope:
        raise Http404 from None
    except PermissionDenied as exc:
        raise DjangoPermissionDenied(str(exc.message)) from None
    except InvalidInput as exc:
        details = [m for msgs in exc.fields.values() for m in msgs]
        messages.error(request, " ".join(dict.fromkeys([str(exc.message), *details])))
        return False
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return False
    return True


@login_required
@require_POST
def wish_action(request, pk: int, action: str):
    user = request.user
    post = request.POST
    back = redirect("wishes:detail", pk=pk)
    if action == "approve":
        if _call(request, lambda: services.wish_approve(wish_id=pk, actor=user)):
            messages.success(request, _("已公开到心愿墙。"))
        return redirect("wishes:moderation")
    if action == "reject":
        if _call(
            request, lambda: services.wish_reject(wish_id=pk, actor=user, reason=post.get("reason"))
        ):
            messages.success(request, _("已退回，原因已记录。"))
        return redirect("wishes:moderation")
    if action == "claim":
        if _call(request, lambda: services.wish_claim(wish_id=pk, actor=user)):
            messages.success(request, _("认领成功，请尽快联系居民。"))
        return back
    if action == "release":
        if _call(
            request,
            lambda: services.wish_release(wish_id=pk, actor=user, reason=post.get("reason")),
        ):
            messages.success(request, _("已放回心愿墙。"))
        return back
    if action == "fulfil":
        if _call(
            request, lambda: services.wish_fulfil(wish_id=pk, actor=user, note=post.get("note"))
        ):
            messages.success(request, _("已记录心愿实现，谢谢您！"))
        return back
    if action == "to-event":
        form = EventForm(post)
        if not form.is_valid():
            messages.error(
                request, " ".join(str(e) for errors in form.errors.values() for e in errors)
            )
            return back
        event = {}
        if _call(
            request,
            lambda: event.setdefault(
                "obj",
                services.wish_to_event(
                    wish_id=pk,
                    actor=user,
                    start=form.cleaned_data["start"],
                    end=form.cleaned_data["end"],
                ),
            ),
        ):
            messages.success(request, _("已转为活动草稿，请完善后发布。"))
            return redirect("events:event_detail", pk=event["obj"].pk)
        return back
    if action == "to-suggestion":
        if _call(
            request,
            lambda: services.wish_to_suggestion(
                wish_id=pk,
                actor=user,
                title=post.get("title"),
                description=post.get("description", ""),
            ),
        ):
            messages.success(request, _("已作为菜单建议报送，市中心在后台可见。"))
        return back
    raise Http404
