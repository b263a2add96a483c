"""Static files storage of production (whitenoise: hashed names, gzip and brotli copies)."""

from __future__ import annotations

from whitenoise.storage import CompressedManifestStaticFilesStorage


def _without_source_maps(patterns):
    def is_source_map(pattern) -> bool:
        regex = pattern[0] if isinstance(pattern, tuple) else pattern
        return "sourceMappingURL" in regex

    return tuple(
        (glob, tuple(pattern for pattern in group if not is_source_map(pattern)))
        for glob, group in patterns
    )


class StaticStorage(CompressedManifestStaticFilesStorage):
    """Vendored minified libraries (Leaflet, Chart.js) end with a ``sourceMappingURL`` comment
    naming a .map file we do not ship; the manifest storage would refuse to collect them. The
    comment is left as it is (a browser asks for the map only with developer tools open, and
    gets a 404)."""

    patterns = _without_source_maps(CompressedManifestStaticFilesStorage.patterns)
