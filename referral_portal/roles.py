"""The portal's roles. A person has exactly one; the role decides what they can do, their
organization decides which records they can see."""

from django.db import models


class Role(models.TextChoices):
    REFERRER = "referrer", "Referrer"
    ORG_ADMIN = "org_admin", "Organization administrator"
    STATE_REVIEWER = "state_reviewer", "State reviewer"
    STATE_SUPERVISOR = "state_supervisor", "State supervisor"
    RECEIVING_AGENCY = "receiving_agency", "Receiving-agency user"
    ADMINISTRATOR = "administrator", "Administrator"


STATE_STAFF = frozenset({Role.STATE_REVIEWER, Role.STATE_SUPERVISOR})
