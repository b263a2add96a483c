"""Gunicorn settings for Pomoc: the one place the production web server is configured.

`scripts/serve.sh` (and so `make run`, and any load test or process manager) starts
``gunicorn -c gunicorn.conf.py pomoc.wsgi``. Everything comes from environment variables so a
machine is tuned without editing a file:

- ``POMOC_BIND`` (default ``127.0.0.1:8000``): where to listen; a comma separates several.
- ``POMOC_WEB_WORKERS`` (default 2 x cores + 1, at most 12): worker processes. Requests are short
  and mostly wait on PostgreSQL, so the classic formula holds; the cap keeps a big machine from
  opening more database connections than PostgreSQL's default 100 allows with the queue workers.
- ``POMOC_WEB_TIMEOUT`` (default 60 s): a worker stuck longer is killed and replaced.
- ``POMOC_WEB_ACCESS_LOG`` (default ``0``, none): ``1`` writes access lines to stdout, any other
  value is a file to append them to; ``POMOC_WEB_ACCESS_LOG_FORMAT`` replaces gunicorn's
  default line (the load test asks for endpoint, status and time in the server).
"""

from __future__ import annotations

import multiprocessing
import os


def default_workers() -> int:
    return min(2 * multiprocessing.cpu_count() + 1, 12)


bind = [
    address.strip()
    for address in os.environ.get("POMOC_BIND", "127.0.0.1:8000").split(",")
    if address.strip()
]
workers = int(os.environ.get("POMOC_WEB_WORKERS") or default_workers())
timeout = int(os.environ.get("POMOC_WEB_TIMEOUT", "60"))
# SIGTERM lets requests in flight finish for this long before the workers are stopped.
graceful_timeout = int(os.environ.get("POMOC_WEB_GRACEFUL_TIMEOUT", "20"))
# Behind a proxy that keeps connections open to us.
keepalive = 5
# Workers are recycled now and then so a slow leak never grows without bound; the jitter keeps
# them from restarting together.
max_requests = int(os.environ.get("POMOC_WEB_MAX_REQUESTS", "2000"))
max_requests_jitter = max_requests // 10
# Each worker loads Django itself (no preload_app): nothing the master opened, such as a database
# connection made while loading apps, is ever shared between forked workers.
preload_app = False
# Gunicorn's own messages on stderr; access lines only when asked (the proxy logs them too).
errorlog = "-"
access_log = os.environ.get("POMOC_WEB_ACCESS_LOG", "0")
accesslog = {"0": None, "": None, "1": "-"}.get(access_log, access_log)
if os.environ.get("POMOC_WEB_ACCESS_LOG_FORMAT"):
    access_log_format = os.environ["POMOC_WEB_ACCESS_LOG_FORMAT"]
loglevel = os.environ.get("POMOC_LOG_LEVEL", "info").lower()
# The proxy in front is the only one whose X-Forwarded-* gunicorn believes (see
# POMOC_TRUSTED_PROXIES for Django's side).
forwarded_allow_ips = os.environ.get("POMOC_FORWARDED_ALLOW_IPS", "127.0.0.1")
proc_name = "pomoc-web"
# Gunicorn's control socket lives at one path per user (~/.gunicorn/gunicorn.ctl), which several
# servers on one machine (tests, a load test) would fight over; nothing of ours uses it.
control_socket_disable = True

# POMOC_LOG_FORMAT=json: gunicorn's own lines (start, worker timeouts, access) as JSON objects
# too, in the same shape as Django's (pomoc/settings.py), so one log collector reads them all.
if os.environ.get("POMOC_LOG_FORMAT") == "json":
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "json": {
                "()": "pythonjsonlogger.json.JsonFormatter",
                "format": "%(levelname)s %(name)s %(process)d %(message)s",
                "rename_fields": {"levelname": "level", "name": "logger"},
                # ISO 8601 in UTC: Django switches a process's local time zone to Prague's.
                "timestamp": "time",
            }
        },
        "handlers": {
            "json": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "stream": "ext://sys.stderr",
            }
        },
        "root": {"handlers": ["json"], "level": "INFO"},
        "loggers": {
            "gunicorn.error": {"handlers": ["json"], "level": loglevel.upper(), "propagate": False},
            "gunicorn.access": {"handlers": ["json"], "level": "INFO", "propagate": False},
        },
    }
