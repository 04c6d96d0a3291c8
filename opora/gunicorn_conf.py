"""How `make run` (and `make loadtest`) serve «Опора»: gunicorn, a few processes with threads.

Used as ``gunicorn -c python:opora.gunicorn_conf opora.wsgi:application``. Threads suit the
work: a request spends much of its time waiting on the database, and the threads of one
process share its persistent database connections (one per thread). The address stays on
loopback unless OPORA_BIND says otherwise (behind nginx: the proxy's side of it).
"""

import os

bind = os.environ.get("OPORA_BIND", f"127.0.0.1:{os.environ.get('PORT', '8000')}")
workers = int(os.environ.get("OPORA_WORKERS", "2"))
threads = int(os.environ.get("OPORA_THREADS", "8"))
worker_class = "gthread"
# A request that takes longer than this has its worker restarted (a hung request, not a slow page).
timeout = int(os.environ.get("OPORA_WORKER_TIMEOUT", "60"))
graceful_timeout = 10
keepalive = 5
# The application is loaded in each worker (not before the fork), so that no database
# connection or file handle is shared between processes.
preload_app = False
accesslog = os.environ.get("OPORA_ACCESS_LOG", "-")
errorlog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms'
wsgi_app = "opora.wsgi:application"
# gunicorn's control socket lives in the home directory, one path for every instance: several
# servers on one machine (make run, make loadtest, the test suite's) would take it from each other.
control_socket_disable = True
