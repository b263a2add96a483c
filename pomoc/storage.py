"""Static files storage for production (DEBUG off)."""

from __future__ import annotations

from whitenoise.storage import CompressedManifestStaticFilesStorage


def _without_source_maps(patterns: tuple) -> tuple:
    return tuple(
        (
            extension,
            tuple(
                pattern
                for pattern in rules
                if "sourceMappingURL" not in (pattern[0] if isinstance(pattern, tuple) else pattern)
            ),
        )
        for extension, rules in patterns
    )


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """whitenoise's hashed and compressed files, without rewriting source-map comments: the
    vendored libraries (static/vendor, unchanged from npm) name source maps their packages do not
    ship, and collectstatic would stop at each as a missing file. A browser asks for a map only
    with its developer tools open (and gets a 404)."""

    patterns = _without_source_maps(CompressedManifestStaticFilesStorage.patterns)
