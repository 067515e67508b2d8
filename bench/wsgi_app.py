import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
application = get_wsgi_application()

# As coop/wsgi.py serves the portal.
from coop.public_documents import RefusalShortcut  # noqa: E402

application = RefusalShortcut(application)
