"""Static file names for production: hashed after ``collectstatic``, plain before it.

A server started straight from a checkout (no ``collectstatic`` yet) must still serve a styled
site: WhiteNoise finds such files in the app folders (``WHITENOISE_USE_FINDERS``), under their
plain names, which this storage then links to instead of failing the page.
"""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):
    manifest_strict = False

    def stored_name(self, name: str) -> str:
        try:
            return super().stored_name(name)
        except ValueError:  # not collected: no hashed copy to name
            return name
