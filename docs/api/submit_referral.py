"""Example: a referrer's system submits a referral, then polls its status and timeline.

    PORTAL=https://referrals.example.ny.gov CLIENT_ID=... CLIENT_SECRET=... \
        python submit_referral.py

Needs only `requests`. The person below is invented.
"""

import os
import time
import uuid

import requests

PORTAL = os.environ.get("PORTAL", "http://127.0.0.1:8000")
POLL_SECONDS = int(os.environ.get("POLL_SECONDS", "300"))  # a decision takes days, not seconds


def token() -> str:
    answer = requests.post(
        f"{PORTAL}/api/oauth/token/",
        data={"grant_type": "client_credentials"},
        auth=(os.environ["CLIENT_ID"], os.environ["CLIENT_SECRET"]),
        timeout=30,
    )
    answer.raise_for_status()
    return answer.json()["access_token"]  # valid ten minutes


def call(method, path, bearer, body=None):
    headers = {"Authorization": f"Bearer {bearer}"}
    if method == "POST":
        headers["Idempotency-Key"] = str(uuid.uuid4())  # reuse it when retrying this call
    answer = requests.request(
        method, f"{PORTAL}/api/v1{path}", json=body, headers=headers, timeout=30
    )
    if answer.status_code == 400:
        raise SystemExit(f"{method} {path}: {answer.json()['errors']}")
    answer.raise_for_status()
    return answer.json()


STEPS = {
    "referrer": {
        "first_encounter_date": "2026-01-05",
        "consent_given_by": "person",
        "consent_date": "2026-01-06",
        "consent_scopes": ["confirmation", "share_with_ldss"],
    },
    "person": {
        "legal_name": "Ana Example",
        "date_of_birth": "1990-04-01",
        "immigration_status": "unknown",
        "county_of_residence": "Albany",
        "preferred_language": "es",
        "interpreter_needed": True,
    },
    "trafficking": {
        "trafficking_types": ["labor"],
        "trafficking_counties": ["Albany"],
        "industry": "agriculture",
        "indicators_coercion": ["coercion_debt"],
        "narrative": "What happened, in the referrer's words.",
        "willing_to_assist": "unknown",
        "arrested": "no",
    },
    "needs": {"services_needed": ["case_management"]},
}


def main():
    bearer = token()
    referral = call("POST", "/referrals/", bearer, {})
    for step, fields in STEPS.items():
        call("PATCH", f"/referrals/{referral['id']}/steps/{step}/", bearer, fields)
    submitted = call("POST", f"/referrals/{referral['id']}/submit/", bearer, {})
    print("Submitted", submitted["reference"])
    seen = 0
    while True:
        time.sleep(POLL_SECONDS)
        bearer = token()
        status = call("GET", f"/referrals/{referral['id']}/", bearer)
        events = call("GET", f"/referrals/{referral['id']}/timeline/", bearer)["events"]
        for event in events[seen:]:
            print(event["at"], event["label"], event["note"])
        seen = len(events)
        if status["open_information_request"]:
            print("The reviewer asks:", status["open_information_request"]["message"])
        if status["status"] in ("confirmed", "declined", "withdrawn"):
            break


if __name__ == "__main__":
    main()
