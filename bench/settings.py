"""Settings of the benchmark server: the portal's own, with a plain view beside the API."""

from coop.settings import *  # noqa: F401,F403

ROOT_URLCONF = "bench.urls"
