"""The API's JSON parser: DRF's, answering 400 for a body nested too deeply to parse.

Python's JSON decoder recurses once per level and raises ``RecursionError`` (not a
``ValueError``) at about a thousand; DRF's parser catches only ``ValueError``, so a body of
3,000 nested brackets was a 500 on any JSON endpoint. Used project-wide through
``REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"]``.
"""

from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(_("JSON 嵌套层数过多。")) from None
