FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DEBUG=0
WORKDIR /app

COPY debian-packages.txt ./
RUN apt-get update \
    && xargs -a debian-packages.txt apt-get install -y --no-install-recommends \
    && rm -rf /var/lib/apt/lists/*

# The pinned set, as bin/setup installs it; the code runs from /app, where the templates,
# static files and translations beside it are found.
COPY constraints.txt ./
RUN pip install --no-cache-dir -r constraints.txt

COPY . .
# A throwaway key: collectstatic and compilemessages need settings, not secrets.
RUN SECRET_KEY=build-only-not-used-at-run-time-000000000000000000000 \
    python manage.py compilemessages -v0 \
    && SECRET_KEY=build-only-not-used-at-run-time-000000000000000000000 \
    python manage.py collectstatic --noinput -v0 \
    && useradd --system --home /app portal && mkdir -p /app/media && chown portal /app/media

USER portal
EXPOSE 8000
CMD ["gunicorn", "coop.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
