"""Where downloads of people's data are kept: POMOC_PRIVATE_ROOT, a folder no web server
serves (only ``rights.views.data_export_download`` hands a file out, to its owner)."""

from __future__ import annotations

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage


class PrivateStorage(FileSystemStorage):
    # Read from the setting on every use rather than once at import, so a changed setting (a
    # test's temporary folder) is honoured.
    @property
    def base_location(self) -> str:
        return str(settings.POMOC_PRIVATE_ROOT)

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise NotImplementedError("Private files have no public URL.")


def private_storage() -> PrivateStorage:
    return PrivateStorage()
