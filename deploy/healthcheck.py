"""Container health checks for docker-compose.yml (standard library only; exit 0 = healthy).

python deploy/healthcheck.py web [PORT]           the portal answers /healthz with 200
python deploy/healthcheck.py beat PATH MAX_AGE    beat's schedule file changed recently
"""

import glob
import http.client
import os
import sys
import time


def web(port: int = 8000) -> bool:
    """GET /healthz the way Caddy would send it: a host from ALLOWED_HOSTS (anything else is a
    400) and X-Forwarded-Proto: https (otherwise production answers with a redirect to https)."""
    hosts = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "").split(",") if h.strip()]
    host = hosts[0].lstrip(".") if hosts and hosts[0] != "*" else "localhost"
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request("GET", "/healthz", headers={"Host": host, "X-Forwarded-Proto": "https"})
        return connection.getresponse().status == 200
    except OSError:
        return False
    finally:
        connection.close()


def beat(schedule: str, max_age: float) -> bool:
    """Beat rewrites its schedule file whenever it sends a task (the outbox relay every 10 s), so
    a file older than max_age seconds means beat is stuck. The dbm backend may add a suffix."""
    now = time.time()
    return any(now - os.path.getmtime(path) < max_age for path in glob.glob(schedule + "*"))


def main(argv: list[str]) -> int:
    match argv:
        case ["web"]:
            healthy = web()
        case ["web", port]:
            healthy = web(int(port))
        case ["beat", schedule, max_age]:
            healthy = beat(schedule, float(max_age))
        case _:
            print(__doc__, file=sys.stderr)
            return 2
    return 0 if healthy else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
