"""gunicorn settings for PostLoan (`gunicorn -c gunicorn.conf.py postloan.wsgi:application`).

Every value can be overridden by the environment (GUNICORN_BIND, GUNICORN_WORKERS …). The
access log names each request's X-Request-ID, the id the application's own log lines carry.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))
graceful_timeout = 30
max_requests = 2000
max_requests_jitter = 200
accesslog = "-"
errorlog = "-"
access_log_format = (
    '%(h)s "%(r)s" %(s)s %(b)s %(D)sus request=%({x-request-id}o)s user-agent="%(a)s"'
)
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
