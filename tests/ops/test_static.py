"""Production's static files: collectstatic with the hashed, compressed storage succeeds."""

from __future__ import annotations

from django.core.management import call_command


def test_collectstatic_with_the_production_storage_collects_the_vendored_libraries(
    settings, tmp_path
):
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "ops.storage.StaticStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)

    hashed = list((tmp_path / "vendor" / "chartjs").glob("chart.umd.*.js"))
    assert any(path.name.count(".") == 3 for path in hashed)  # chart.umd.<hash>.js
    assert list((tmp_path / "css").glob("pomoc.*.css.gz"))
    assert (tmp_path / "staticfiles.json").exists()
