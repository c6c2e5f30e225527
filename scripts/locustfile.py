"""`make bench`, load stage: one Locust user class per role, plus the two floors (issue 13).

Sessions come from scripts/bench_seed.py (BENCH_SESSIONS names its JSON file). Each request is
named after the page, so Locust's statistics give p50/p95/p99 per page. Read-only scenarios:
submitting, deciding, acknowledging and reporting under load are not scripted yet.
"""

import json
import os
from pathlib import Path

from locust import HttpUser, between, task

SEEDED = json.loads(Path(os.environ["BENCH_SESSIONS"]).read_text())


class Signed(HttpUser):
    abstract = True
    wait_time = between(0.5, 1.5)
    role = ""

    def on_start(self):
        self.client.cookies.set("sessionid", SEEDED[self.role])

    def page(self, path, name):
        with self.client.get(path, name=name, allow_redirects=False, catch_response=True) as r:
            if r.status_code != 200:
                r.failure(f"HTTP {r.status_code}")


class Floors(HttpUser):
    """The anonymous trivial page, and the same page signed in (the referrer's session)."""

    wait_time = between(0.5, 1.5)

    @task
    def anonymous(self):
        self.client.get("/accessibility/", name="floor: anonymous", cookies={})

    @task
    def signed_in(self):
        self.client.get(
            "/accessibility/", name="floor: signed in", cookies={"sessionid": SEEDED["referrer"]}
        )


class Referrer(Signed):
    role = "referrer"

    @task(3)
    def list(self):
        self.page("/referrals/", "referrer: list")

    @task(1)
    def detail(self):
        self.page(f"/referrals/{SEEDED['referral']}/", "referrer: referral")


class Reviewer(Signed):
    role = "reviewer"

    @task(3)
    def queue(self):
        self.page("/review/", "reviewer: queue")

    @task(1)
    def filtered(self):
        self.page("/review/?minor=yes&trafficking=sex", "reviewer: filtered queue")

    @task(2)
    def case(self):
        self.page(f"/review/{SEEDED['referral']}/", "reviewer: case page")


class Agency(Signed):
    role = "agency"

    @task(3)
    def cases(self):
        self.page("/cases/", "agency: cases")

    @task(1)
    def case(self):
        if SEEDED["case"]:
            self.page(f"/cases/{SEEDED['case']}/", "agency: case")


class Administrator(Signed):
    role = "administrator"

    @task(2)
    def access_log(self):
        self.page("/security/access-log/", "administrator: access log")

    @task(2)
    def deliveries(self):
        self.page("/cases/deliveries/", "administrator: deliveries")
