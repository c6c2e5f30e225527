"""The fixed lists a referral is made of. Values are stored; labels are what people read."""

from django.db import models


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    INFO_REQUESTED = "info_requested", "Information requested"
    INFO_PROVIDED = "info_provided", "Information provided"
    CONFIRMED = "confirmed", "Confirmed"
    DECLINED = "declined", "Declined"
    APPEALED = "appealed", "Appealed"
    WITHDRAWN = "withdrawn", "Withdrawn"


# A decision is still to be made in these states: the clock runs and the referrer may withdraw.
OPEN_STATUSES = frozenset({Status.SUBMITTED, Status.INFO_REQUESTED, Status.INFO_PROVIDED})


class YesNoUnknown(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    UNKNOWN = "unknown", "Not known"


class Gender(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    NONBINARY = "nonbinary", "Nonbinary"
    ANOTHER = "another", "Another gender"
    NOT_KNOWN = "not_known", "Not known or prefers not to say"


class ImmigrationStatus(models.TextChoices):
    US_CITIZEN = "us_citizen", "U.S. citizen"
    LAWFUL_PERMANENT_RESIDENT = "lawful_permanent_resident", "Lawful permanent resident"
    QUALIFIED_NONCITIZEN = "qualified_noncitizen", "Other qualified noncitizen"
    T_VISA = "t_visa", "T visa holder or applicant"
    CONTINUED_PRESENCE = "continued_presence", "Continued Presence"
    HHS_LETTER = "hhs_letter", "HHS eligibility or interim assistance letter"
    OTHER_NONCITIZEN = "other_noncitizen", "Other noncitizen status"
    UNDOCUMENTED = "undocumented", "Undocumented"
    UNKNOWN = "unknown", "Not known"


NONCITIZEN_STATUSES = frozenset(
    {
        ImmigrationStatus.LAWFUL_PERMANENT_RESIDENT,
        ImmigrationStatus.QUALIFIED_NONCITIZEN,
        ImmigrationStatus.T_VISA,
        ImmigrationStatus.CONTINUED_PRESENCE,
        ImmigrationStatus.HHS_LETTER,
        ImmigrationStatus.OTHER_NONCITIZEN,
        ImmigrationStatus.UNDOCUMENTED,
    }
)


class Industry(models.TextChoices):
    COMMERCIAL_SEX = "commercial_sex", "Commercial sex (street, hotel, online, residence)"
    MASSAGE_SPA = "massage_spa", "Massage parlor or spa"
    BAR_CLUB = "bar_club", "Bar, club or cantina"
    DOMESTIC_WORK = "domestic_work", "Domestic work"
    AGRICULTURE = "agriculture", "Agriculture or farm work"
    RESTAURANT = "restaurant", "Restaurant or food service"
    CONSTRUCTION = "construction", "Construction"
    HOSPITALITY = "hospitality", "Hotel or hospitality"
    NAIL_BEAUTY = "nail_beauty", "Nail salon or beauty"
    FACTORY = "factory", "Factory or manufacturing"
    RETAIL = "retail", "Retail or peddling"
    ILLICIT = "illicit", "Forced criminal activity (such as drug sales)"
    OTHER = "other", "Other"


class Indicator(models.TextChoices):
    """Grouped by the prefix before the first underscore: force, fraud or coercion."""

    FORCE_PHYSICAL = "force_physical", "Physical violence or assault"
    FORCE_SEXUAL = "force_sexual", "Sexual violence"
    FORCE_CONFINEMENT = "force_confinement", "Confinement or locked in"
    FRAUD_JOB = "fraud_job", "False promise of a job or the kind of work"
    FRAUD_PAY = "fraud_pay", "Lies about pay or working conditions"
    FRAUD_IMMIGRATION = "fraud_immigration", "False promises about immigration or travel"
    FRAUD_RELATIONSHIP = "fraud_relationship", "False romantic relationship"
    COERCION_THREATS = "coercion_threats", "Threats of harm to the person"
    COERCION_FAMILY = "coercion_family", "Threats against family or others"
    COERCION_DEBT = "coercion_debt", "Debt that cannot be paid off"
    COERCION_DOCUMENTS = "coercion_documents", "Identity or travel documents taken"
    COERCION_DEPORTATION = "coercion_deportation", "Threats of arrest or deportation"
    COERCION_ISOLATION = "coercion_isolation", "Isolation or control of movement and contact"
    COERCION_SUBSTANCES = "coercion_substances", "Drugs or alcohol used to control"


INDICATOR_GROUPS = {
    "force": "Force",
    "fraud": "Fraud",
    "coercion": "Coercion",
}


def indicators_in(group: str) -> list[tuple[str, str]]:
    return [(value, label) for value, label in Indicator.choices if value.startswith(group + "_")]


class Service(models.TextChoices):
    CASE_MANAGEMENT = "case_management", "Case management"
    SHELTER = "shelter", "Shelter or rental assistance"
    HEALTH_ASSESSMENT = "health_assessment", "Health assessment"
    MEDICAL_CARE = "medical_care", "Medical care"
    MENTAL_HEALTH = "mental_health", "Mental-health counseling"
    LEGAL_SERVICES = "legal_services", "Legal services"
    FOOD_ASSISTANCE = "food_assistance", "Food assistance"
    INTERPRETATION = "interpretation", "Interpretation"
    OTHER = "other", "Other"


class ConsentGivenBy(models.TextChoices):
    PERSON = "person", "The person referred"
    PARENT_OR_GUARDIAN = "parent_or_guardian", "A parent or legal guardian"
    LEGAL_REPRESENTATIVE = "legal_representative", "A legal representative"


class ConsentScope(models.TextChoices):
    CONFIRMATION = "confirmation", "Send this referral to the state for confirmation"
    SHARE_WITH_LDSS = "share_with_ldss", "Share with the local department of social services"
    SHARE_WITH_RHTP = "share_with_rhtp", "Share with a regional RHTP case-management provider"
    SHARE_WITH_CHILD_WELFARE = "share_with_child_welfare", "Share with child-welfare services"


class EventKind(models.TextChoices):
    CREATED = "created", "Draft started"
    SUBMITTED = "submitted", "Submitted"
    INFO_REQUESTED = "info_requested", "Information requested"
    INFO_PROVIDED = "info_provided", "Information provided"
    WITHDRAWN = "withdrawn", "Withdrawn"
    ASSIGNED = "assigned", "Assigned to a reviewer"
    RELEASED = "released", "Released by the reviewer"
    REASSIGNED = "reassigned", "Reassigned"
    CONSULTATION_RECORDED = "consultation_recorded", "Consultation recorded"
    EXTENDED = "extended", "Deadline extended"
    CONFIRMED = "confirmed", "Confirmed"
    DECLINED = "declined", "Declined"
    APPEALED = "appealed", "Appealed"
    APPEAL_UPHELD = "appeal_upheld", "Decline upheld on appeal"
    APPEAL_OVERTURNED = "appeal_overturned", "Confirmed on appeal"
    NOTICE_ISSUED = "notice_issued", "Notice issued"
    ROUTED = "routed", "Sent for services"
    DELIVERY_FAILED = "delivery_failed", "Delivery failed"
    ACKNOWLEDGED = "acknowledged", "Acknowledged by the receiving agency"
    OUTCOME_REPORTED = "outcome_reported", "Outcome reported"


class Reason(models.TextChoices):
    """Why a reviewer asks the referrer for more information (a fixed list)."""

    MISSING_CONSENT = "missing_consent", "Consent is missing or unclear"
    MISSING_IDENTITY = "missing_identity", "Identity details are missing"
    UNCLEAR_FACTS = "unclear_facts", "The trafficking facts are unclear"
    MISSING_CASE_NUMBER = "missing_case_number", "The law-enforcement case number is missing"
    ATTACHMENT_PROBLEM = "attachment_problem", "An attachment is missing or cannot be read"
    OTHER = "other", "Other"


class AttachmentKind(models.TextChoices):
    CONSENT_FORM = "consent_form", "Consent form"
    POLICE_REPORT = "police_report", "Police report"
    OTHER = "other", "Other document"
    INFORMATION_RESPONSE = "information_response", "Sent with an answer to a request"


class NoticeKind(models.TextChoices):
    CONFIRMATION_ADULT = "confirmation_adult", "Confirmation notice (adult)"
    CONFIRMATION_MINOR = "confirmation_minor", "Confirmation notice (minor)"
    REFERRING_ORGANIZATION = "referring_organization", "Notice to the referring organization"
    DECLINE = "decline", "Decline notice"


# The notices a referring organization may download; reviewers may download every notice.
REFERRER_NOTICE_KINDS = frozenset({NoticeKind.REFERRING_ORGANIZATION, NoticeKind.DECLINE})
