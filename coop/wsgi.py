import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coop.settings")
application = get_wsgi_application()

# After Django is set up: an address just refused a public document is refused again here,
# before Django's request handling (coop/public_documents.py).
from coop.public_documents import RefusalShortcut  # noqa: E402

application = RefusalShortcut(application)
