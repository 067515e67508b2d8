"""Hypothesis, under schemathesis, keeps caches in ``.hypothesis/`` of the working directory
(the constants it draws from the source, Unicode tables). The suite writes nothing into the
checkout, so they go to the system's temporary folder, kept from one run to the next."""

import tempfile
from pathlib import Path

from hypothesis.configuration import set_hypothesis_home_dir

set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "coop-portal-hypothesis")
