from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RightsConfig(AppConfig):
    """People's rights over their data: download, deletion, consent and the contact access log.

    The top of the dependency stack: it reads every app's rows about a person and withdraws
    their posts and matches through those apps' models and services. Lower apps call only its
    two loggers (``consent_record``, ``contact_access_record``), which touch nothing else."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "rights"
    verbose_name = _("Data rights")
