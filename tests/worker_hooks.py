"""Loaded only into the Celery workers that tests start as processes (``celery worker -I
tests.worker_hooks``, see tests/supervision/test_lost_tasks.py); nothing else imports it, and
production code has no hook for it.

- The first document rendered by any of a test's workers stops in the middle, inside the
  transaction that numbers it, long enough for the test to kill the worker there: the worker
  writes its process id to ``COOP_TEST_RENDER_MARK`` and sleeps. Every later render, in that
  worker or the next one, finds the mark and renders at once.
- The workers keep the broker's record of unacknowledged tasks under keys of their test run
  (``COOP_TEST_RUN``): with the short visibility timeout a test gives them, they would
  otherwise hand back the tasks of another run going on at the same time on the same Redis.
"""

import os
import time

from coop import documents
from coop.celery import app

MARK = os.environ["COOP_TEST_RENDER_MARK"]
RUN = os.environ["COOP_TEST_RUN"]
render_pdf = documents.render_pdf


def render_slowly_the_first_time(html):
    try:
        mark = os.open(MARK, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
    except FileExistsError:
        return render_pdf(html)
    os.write(mark, str(os.getpid()).encode())
    os.close(mark)
    time.sleep(300)  # the test kills this process long before
    return render_pdf(html)


documents.render_pdf = render_slowly_the_first_time
app.conf.broker_transport_options = {
    **app.conf.broker_transport_options,
    "unacked_key": f"{RUN}:unacked",
    "unacked_index_key": f"{RUN}:unacked_index",
    "unacked_mutex_key": f"{RUN}:unacked_mutex",
}
