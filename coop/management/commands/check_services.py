import time

import psycopg2
import redis
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

HOW_TO_START = {
    "PostgreSQL": "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start",
    "Redis": 'redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" '
    "--appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log",
}


class Command(BaseCommand):
    help = "Check that PostgreSQL and Redis answer; fail at once, saying how to start them."

    def add_arguments(self, parser):
        parser.add_argument("--wait", type=float, default=0, help="Keep trying this many seconds.")

    def handle(self, *args, wait, **options):
        deadline = time.monotonic() + wait
        while True:
            problems = self.problems()
            if not problems or time.monotonic() >= deadline:
                break
            time.sleep(1)
        if problems:
            lines = [f"{service} does not answer: {error}" for service, error in problems]
            lines += [f"  start {service} with: {HOW_TO_START[service]}" for service, _ in problems]
            raise CommandError("\n".join(lines))
        self.stdout.write("PostgreSQL and Redis answer.")

    def problems(self):
        found = []
        database = settings.DATABASES["default"]
        if not database["ENGINE"].endswith("postgresql"):
            found.append(("PostgreSQL", "DATABASE_URL is not a postgres:// address"))
        else:
            try:
                # The maintenance database: the portal's own may not be created yet.
                psycopg2.connect(
                    dbname="postgres",
                    user=database["USER"],
                    password=database["PASSWORD"],
                    host=database["HOST"],
                    port=database["PORT"] or 5432,
                    connect_timeout=3,
                ).close()
            except psycopg2.OperationalError as error:
                found.append(("PostgreSQL", str(error).strip().splitlines()[0]))
        if not settings.REDIS_URL:
            found.append(("Redis", "REDIS_URL is not set"))
        else:
            try:
                redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=3).ping()
            except redis.RedisError as error:
                found.append(("Redis", str(error)))
        return found
