"""The fixed lists of the review: stored values, and the labels people read."""

from django.db import models

# The referrals in the reviewers' queue, declared once with the referral's transitions.
from referrals.models import QUEUE_STATUSES, ImmigrationStatus  # noqa: F401 - re-exported

# Statuses usually eligible for public assistance (docs/architecture.md, "Where confirmed cases
# go"); the reviewer sees this as a suggestion and may change it.
PUBLIC_ASSISTANCE_STATUSES = frozenset(
    {
        ImmigrationStatus.US_CITIZEN,
        ImmigrationStatus.LAWFUL_PERMANENT_RESIDENT,
        ImmigrationStatus.QUALIFIED_NONCITIZEN,
        ImmigrationStatus.T_VISA,
        ImmigrationStatus.CONTINUED_PRESENCE,
        ImmigrationStatus.HHS_LETTER,
    }
)


def suggests_public_assistance(immigration_status: str) -> bool:
    return immigration_status in PUBLIC_ASSISTANCE_STATUSES


class Agency(models.TextChoices):
    OTDA = "OTDA", "Office of Temporary and Disability Assistance (OTDA)"
    DCJS = "DCJS", "Division of Criminal Justice Services (DCJS)"


class ConsultationOutcome(models.TextChoices):
    AGREES_CONFIRM = "agrees_confirm", "Agrees the person should be confirmed"
    AGREES_DECLINE = "agrees_decline", "Agrees the referral should be declined"
    NO_OBJECTION = "no_objection", "No objection either way"
    DISAGREES = "disagrees", "Disagrees with the reviewer (see the note)"
    WANTS_INFORMATION = "wants_information", "Wants more information first"


class DecisionStage(models.TextChoices):
    INITIAL = "initial", "Decision"
    APPEAL = "appeal", "Decision on appeal"


class DecisionOutcome(models.TextChoices):
    CONFIRMED = "confirmed", "Confirmed"
    DECLINED = "declined", "Declined"


class Basis(models.TextChoices):
    """Social Services Law 483-cc(b): the two grounds for a confirmation."""

    FEDERAL_CRITERIA = (
        "federal_criteria",
        "Appears to meet the federal criteria for a severe form of trafficking",
    )
    OTHERWISE_ELIGIBLE = (
        "otherwise_eligible",
        "Appears otherwise eligible for benefits and services",
    )
    BOTH = "both", "Both: meets the federal criteria and is otherwise eligible"


class DeclineReason(models.TextChoices):
    CRITERIA_NOT_MET = (
        "criteria_not_met",
        "The facts given do not appear to meet the definition of human trafficking",
    )
    NOT_OTHERWISE_ELIGIBLE = (
        "not_otherwise_eligible",
        "The person does not appear otherwise eligible for benefits and services",
    )
    INSUFFICIENT_INFORMATION = (
        "insufficient_information",
        "There is not enough information to decide, and the information asked for was not given",
    )
    NO_NEW_YORK_CONNECTION = (
        "no_new_york_connection",
        "The person does not live in New York State",
    )
    ALREADY_CONFIRMED = (
        "already_confirmed",
        "The person was already confirmed under another referral",
    )
    OTHER = "other", "Another reason (explained in the note)"


class AppealOutcome(models.TextChoices):
    OVERTURNED = "overturned", "Decline overturned: the person is confirmed"
    UPHELD = "upheld", "Decline upheld"
