"""Validators for uploaded event photos."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_PHOTO_BYTES = 5 * 1024 * 1024


def validate_image_size(file) -> None:
    """Refuse photos over 5 MB: stations upload from phones on slow links, and storage is small."""
    if file.size > MAX_PHOTO_BYTES:
        raise ValidationError(_("照片不能超过 5 MB。"), code="too_large")
