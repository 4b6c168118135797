"""Refuse NUL bytes at the door: one middleware for every page, the admin and the API.

PostgreSQL cannot store or compare a NUL (``\\x00``) in text: a query that carries one fails
with a DataError, which was a 500 wherever a path, a query parameter or a form field reached the
database (the village search, the tracking URL, the admin's search box …). No text this app
takes has a legitimate NUL, so the request is refused (400) rather than cleaned: stripping would
quietly turn the input into something the sender did not write, and one check here covers every
view, raw ``request.GET`` reads and the views nobody has written yet, where per-field validation
would have to be remembered everywhere.

Checked: the path, query parameter names and values, and the fields of form-encoded POST bodies
(what Django parses into ``request.POST``; uploaded files are not text and are left alone)
outside the REST API, which takes JSON bodies only (and a photo's multipart form).
JSON bodies are checked field by field instead: DRF's ``CharField`` refuses a NUL with a
per-field 400 (``ProhibitNullCharactersValidator``), as Django's form ``CharField`` does.
"""

from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

NUL = "\x00"
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _has_nul(query) -> bool:
    return any(NUL in key or any(NUL in v for v in values) for key, values in query.lists())


def api_path(request) -> bool:
    return request.path.startswith("/api/")


def has_nul(request) -> bool:
    if NUL in request.path or _has_nul(request.GET):
        return True
    # The REST API parses its own bodies (JSON; a photo's multipart form) and its fields refuse a
    # NUL one by one. Reading request.POST here would consume a multipart stream before DRF
    # sees it, turning "a form is not accepted here" (415) into "every field is missing" (400).
    if request.method == "POST" and request.content_type in FORM_TYPES and not api_path(request):
        return _has_nul(request.POST)
    return False


class RefuseNulBytesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if has_nul(request):
            return self.refuse(request)
        return self.get_response(request)

    @staticmethod
    def refuse(request) -> HttpResponse:
        message = _("请求中含有无效字符（空字符），请检查后重试。")
        if api_path(request):
            body = {"detail": message, "code": "invalid", "fields": {}}
            return JsonResponse(body, status=400, json_dumps_params={"ensure_ascii": False})
        html = render_to_string("bad_request.html", {"message": message}, request=request)
        return HttpResponse(html, status=400)
