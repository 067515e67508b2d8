"""Writes that Django's model signals do not report.

``bulk_create`` and ``QuerySet.update()`` send no ``post_save``: a service that writes rows in
bulk sends ``bulk_written`` instead (sender: the model; ``cooperative_ids``: whose rows), after
the write and inside its transaction, so that what keeps copies of those rows (the public
cache, the dashboard's kept figures) learns of it the way it learns of a save."""

from django.dispatch import Signal

bulk_written = Signal()
