import psycopg2


def ensure_database(url):
    """Create the benchmark's own database on the server of ``url`` if it is not there."""
    server, name = url.rsplit("/", 1)
    admin = psycopg2.connect(server + "/postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if not cursor.fetchone():
            cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()


def analyze():
    """Statistics for the planner after a bulk load, as autovacuum would gather soon after."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
