"""The wish wall API (心愿墙): the public wall and posting, one wish, the caller's wishes (an
admin's area, a volunteer's claims), and each step as ``POST /api/wishes/<id>/<action>/``.

Thin views: validate with an explicit serializer, call one ``wishes.services`` function, return
the wish. The same rules as the pages: the public sees approved wishes and never a phone; the
station head (and the town's and city's admins) moderate and convert; active volunteers of the
wish's town claim it, race-safe. Status codes: bad input 400 (per field), anonymous 401, not an
active volunteer 403, outside the caller's sight or unknown 404, wrong state 409, too many
posts 429.
"""

from django.utils.decorators import method_decorator
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.debug import sensitive_post_parameters
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import PostBudgetThrottle, PostBudgetThrottledMixin
from core.client_ip import client_ip
from core.errors import INVALID, NotInScope, error_body
from core.filters import MAX_ID
from core.openapi import action_schema, error_response
from orders import ratelimit
from wishes import selectors, services
from wishes.api import serializers as s
from wishes.api.filters import PublicWishFilter, WishFilter
from wishes.models import Wish

TAGS = ["wishes"]

ID_PARAM = OpenApiParameter(
    "id",
    {"type": "integer", "minimum": 1, "maximum": MAX_ID},
    OpenApiParameter.PATH,
    description=gettext_lazy("心愿 id"),
)
SUBMIT_EXAMPLE = {
    "village": 1,
    "category": 1,
    "description": "想请志愿者教老人用智能手机和孩子视频通话",
    "name": "李大娘",
    "phone": "13812341234",
}
CONFLICT = error_response(
    409,
    error_body(
        lazy(
            lambda: (
                _("该心愿当前状态为“%(status)s”，不能执行此操作。")
                % {"status": Wish.Status.CLAIMED.label}
            ),
            str,
        )(),
        "conflict",
    ),
)
PHONE_IN_TEXT = lazy(
    lambda: _("心愿内容会公开展示，请不要在其中填写电话号码；联系电话请填在下面的手机号一栏。"),
    str,
)()


class WishSubmitThrottle(PostBudgetThrottle):
    """The page's budget per address (``WENMING_WISH_RATE_IP``): both doors spend the same one."""

    def budget_wait(self, request) -> int | None:
        return ratelimit.hit(services.SUBMIT_RATE_SCOPE, client_ip(request))


@method_decorator(sensitive_post_parameters("name", "phone"), name="dispatch")
class WishListCreateView(PostBudgetThrottledMixin, generics.ListAPIView):
    """``GET``: the public wall. ``POST``: a resident posts a wish (no login)."""

    serializer_class = s.WishPublicSerializer
    filterset_class = PublicWishFilter
    ordering_fields: list[str] = []  # the wall's order: newest approved first
    search_fields: list[str] = []
    permission_classes = [AllowAny]
    throttle_classes = [WishSubmitThrottle]

    def get_queryset(self):
        return selectors.public_wishes()

    @extend_schema(
        operation_id="wishes_list",
        tags=TAGS,
        summary=gettext_lazy("心愿墙：已公开的心愿（无需登录，不含联系方式）"),
        description=gettext_lazy("已审核通过的心愿，最新公开的在前；待审核和未通过的从不出现。"),
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="wishes_create",
        tags=TAGS,
        summary=gettext_lazy("群众许愿（无需登录）"),
        description=gettext_lazy(
            "心愿经实践站站长审核后才公开；手机号从不公开。心愿内容最多 200 字，且不能含电话号码"
            "（也包括全角或汉字数字写的号码）。按 IP 限流（WENMING_WISH_RATE_IP），与网页共用。"
        ),
        request=s.WishSubmitSerializer,
        responses={
            201: s.WishSubmittedSerializer,
            400: error_response(
                400, error_body(INVALID, "invalid", {"description": [PHONE_IN_TEXT]})
            ),
            429: error_response(429),
        },
        examples=[
            OpenApiExample(
                "submit", summary=gettext_lazy("许愿"), value=SUBMIT_EXAMPLE, request_only=True
            ),
            OpenApiExample(
                "submitted",
                summary=gettext_lazy("已提交，待审核"),
                value={"id": 7, "status": "submitted"},
                response_only=True,
                status_codes=["201"],
            ),
        ],
    )
    def post(self, request, *args, **kwargs):
        serializer = s.WishSubmitSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        wish = services.wish_submit(**serializer.validated_data)
        body = s.WishSubmittedSerializer({"id": wish.pk, "status": wish.status}).data
        return Response(body, status=status.HTTP_201_CREATED)


class MyWishesView(generics.ListAPIView):
    """The wishes the caller works on, with the contact where they may see it."""

    serializer_class = s.WishSerializer
    filterset_class = WishFilter
    ordering_fields = ["created_at", "updated_at", "id"]
    ordering = ["-created_at", "-id"]
    search_fields: list[str] = []
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        return selectors.working_wishes(self.request.user)

    @extend_schema(
        operation_id="wishes_mine",
        tags=TAGS,
        summary=gettext_lazy("我的心愿工作：本区域的心愿（管理员）和我认领的心愿（志愿者）"),
        description=gettext_lazy(
            "站长、镇街和市中心管理员看到本区域的全部心愿（?status=submitted 即待审核队列），"
            "志愿者看到自己认领过的心愿；含居民联系方式（有权查看时）。"
        ),
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class WishDetailView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="wishes_retrieve",
        tags=TAGS,
        summary=gettext_lazy("心愿详情"),
        description=gettext_lazy(
            "已公开的心愿人人可见；待审核、未通过的只有本区域管理员可见（其他人 404）。"
            "name、phone 仅本区域管理员和认领的志愿者可见，其他人为 null。"
        ),
        parameters=[ID_PARAM],
        responses={200: s.WishSerializer, 404: error_response(404)},
    )
    def get(self, request, pk: int):
        wish = selectors.visible_wish(request.user, pk)
        if wish is None:
            raise NotInScope()
        return Response(s.WishSerializer(wish, context={"request": request}).data)


class _ActionView(APIView):
    """POST /api/wishes/<id>/<action>/: validate ``input_serializer``, call ``act``."""

    permission_classes = [IsAuthenticated]
    input_serializer: type | None = None

    def act(self, request, pk: int, data: dict) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def post(self, request, pk: int):
        data: dict = {}
        if self.input_serializer is not None:
            serializer = self.input_serializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            data = serializer.validated_data
        self.act(request, pk, data)
        wish = selectors.visible_wish(request.user, pk)
        if wish is None:  # pragma: no cover - whoever acted on a wish may still see it
            raise NotInScope()
        return Response(s.WishSerializer(wish, context={"request": request}).data)


def _action_schema(op: str, summary, request=None, example: dict | None = None):
    return action_schema(
        f"wishes_{op}",
        summary,
        s.WishSerializer,
        tags=TAGS,
        parameters=[ID_PARAM],
        request=request,
        example=example,
        conflict=CONFLICT,
    )


class ApproveView(_ActionView):
    @_action_schema("approve", gettext_lazy("站长审核通过，公开到心愿墙（submitted → open）"))
    def post(self, request, pk: int):
        return super().post(request, pk)

    def act(self, request, pk, data):
        services.wish_approve(wish_id=pk, actor=request.user)


class RejectView(_ActionView):
    input_serializer = s.WishReasonSerializer

    @_action_schema(
        "reject",
        gettext_lazy("站长退回，须说明原因（submitted → rejected，从不公开）"),
        s.WishReasonSerializer,
        {"reason": "属于村委会日常事务，已转交村委会"},
    )
    def post(self, request, pk: int):
        return super().post(request, pk)

    def act(self, request, pk, data):
        services.wish_reject(wish_id=pk, actor=request.user, reason=data["reason"])


class ClaimView(_ActionView):
    @_action_schema("claim", gettext_lazy("本镇（街道）在册志愿者认领（open → claimed），并发安全"))
    def post(self, request, pk: int):
        return super().post(request, pk)

    def act(self, request, pk, data):
        services.wish_claim(wish_id=pk, actor=request.user)


class ReleaseView(_ActionView):
    input_serializer = s.WishReasonSerializer

    @_action_schema(
        "release",
        gettext_lazy("认领的志愿者或站长放回心愿墙，须说明原因（claimed → open）"),
        s.WishReasonSerializer,
        {"reason": "临时外出，无法按时帮忙"},
    )
    def post(self, request, pk: int):
        return super().post(request, pk)

    def act(self, request, pk, data):
        services.wish_release(wish_id=pk, actor=request.user, reason=data["reason"])


class FulfilView(_ActionView):
    input_serializer = s.WishFulfilSerializer

    @_action_schema(
        "fulfil",
        gettext_lazy("登记心愿已实现（claimed → fulfilled），计入本村当月服务覆盖"),
        s.WishFulfilSerializer,
        {"note": "已上门教会老人视频通话"},
    )
    def post(self, request, pk: int):
        return super().post(request, pk)

    def act(self, request, pk, data):
        services.wish_fulfil(wish_id=pk, actor=request.user, note=data["note"])


class ToEventView(_ActionView):
    input_serializer = s.WishToEventSerializer

    @_action_schema(
        "to_event",
        gettext_lazy("站长把心愿转为本站活动草稿（submitted/open → converted）"),
        s.WishToEventSerializer,
        {"start": "2026-12-12T09:00:00+08:00", "end": "2026-12-12T11:00:00+08:00"},
    )
    def post(self, request, pk: int):
        return super().post(request, pk)

    def act(self, request, pk, data):
        services.wish_to_event(wish_id=pk, actor=request.user, start=data["start"], end=data["end"])


class ToSuggestionView(_ActionView):
    input_serializer = s.WishToSuggestionSerializer

    @_action_schema(
        "to_suggestion",
        gettext_lazy("站长把心愿报送为本镇菜单建议（submitted/open → converted）"),
        s.WishToSuggestionSerializer,
        {"title": "智能手机使用辅导", "description": "老人普遍需要"},
    )
    def post(self, request, pk: int):
        return super().post(request, pk)

    def act(self, request, pk, data):
        services.wish_to_suggestion(
            wish_id=pk, actor=request.user, title=data["title"], description=data["description"]
        )
