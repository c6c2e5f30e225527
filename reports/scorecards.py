"""Scorecards: one organization's figures beside the statewide figures, released (suppressed)
because they leave the state team. A receiving organization sees what it did with the cases
sent to it; a referring organization sees what became of its referrals. Neither ever sees
another organization's figures: the rest of the state appears only inside the statewide total,
and that total is suppressed with the organization's own figure so that subtracting one from
the other cannot give back a small count (the hidden "rest of the state" cell is in the line).
"""

from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q
from django.http import Http404

from accounts.models import Organization
from referral_portal.roles import STATE_TEAM
from routing.models import RoutingDelivery

from . import loop
from .decisions import OUTCOME_COLUMNS, OUTCOME_MEASURES, OUTCOME_PARTS, outcome_cases, received
from .filters import ReportFilters
from .sql import CountOf, grouping_sets
from .tables import COUNT, SHARE, Column, Row, Table, cells, release

SEES_EVERY_SCORECARD = STATE_TEAM
RECEIVING, REFERRING = "receiving", "referring"


def organization_for_scorecard(user, public_id) -> tuple[Organization, str]:
    """The organization and its kind of scorecard, if this person may see it: state staff any
    organization, everyone else their own. Anything else is a 404 (never a 403 that confirms
    the organization exists)."""
    organizations = Organization.objects.select_related("district", "rhtp_provider")
    if user.role not in SEES_EVERY_SCORECARD:
        organizations = organizations.filter(pk=user.organization_id)
    organization = organizations.filter(public_id=public_id).first()
    if organization is None:
        raise Http404
    kind = scorecard_kind(organization)
    if kind is None:
        raise Http404
    return organization, kind


def scorecard_kind(organization: Organization) -> str | None:
    if hasattr(organization, "district") or hasattr(organization, "rhtp_provider"):
        return RECEIVING
    if organization.kind in Organization.REFERRING_KINDS:
        return REFERRING
    return None


def _beside_statewide(slug, title, columns, own: dict, statewide: dict, parts=()) -> Table:
    """Two rows (own, statewide) and the hidden third (the rest of the state) in every line."""
    counts = [c.key for c in columns if c.kind == COUNT]
    rest = {key: (statewide.get(key) or 0) - (own.get(key) or 0) for key in counts}
    rows = [Row("own", "Your organization", own), Row("state", "Statewide", statewide, group=True)]
    lines = [[("own", key), ("rest", key), ("state", key)] for key in counts]
    if parts:
        lines += [
            [(row, "received"), *((row, p) for p in parts)] for row in ("own", "rest", "state")
        ]
    return Table(
        slug=slug,
        title=title,
        row_heading="",
        columns=columns,
        rows=rows,
        lines=lines,
        hidden_rows=[Row("rest", "Rest of the state", rest)],
    )


def _is(organization: Organization):
    """Whether a case belongs to the organization: the scorecard's own figures are the cases
    grouped by this, read in the same query as the statewide ones."""
    return ExpressionWrapper(Q(organization=organization), output_field=BooleanField())


def receiving_scorecard(organization: Organization, filters: ReportFilters, now):
    destination = "district" if hasattr(organization, "district") else "rhtp_provider"
    found = loop.figures(
        loop.deliveries(filters).filter(destination=destination),
        now,
        [(), ("own",)],
        own=_is(organization),
    )
    [statewide] = found[()]
    own = next((row for row in found[("own",)] if row["own"]), loop.empty(now))
    columns = [
        *loop.COLUMNS[:-1],
        Column("acknowledged", "Acknowledged"),
        Column("services_started", "Services started"),
        loop.COLUMNS[-1],
    ]
    label = loop.KIND_LABELS[destination].replace("All ", "all ")
    table = _beside_statewide(
        "scorecard", f"Cases sent to you, beside {label}", columns, own, statewide
    )
    return table, cells(table, release([table]))


REACHED_PEOPLE = Column("reached", "People reached by a receiving agency")


def referring_scorecard(organization: Organization, filters: ReportFilters):
    reached = RoutingDelivery.objects.filter(
        referral=OuterRef("pk"), outcome_reports__outcome__in=loop.REACHED
    )
    found = grouping_sets(
        outcome_cases(received(filters), own=_is(organization), reached=Exists(reached)),
        [(), ("own",)],
        {**OUTCOME_MEASURES, "reached": CountOf("reached")},
    )
    [statewide] = found[()]
    own = next((row for row in found[("own",)] if row["own"]), dict.fromkeys(statewide, 0))
    columns = [
        *(c for c in OUTCOME_COLUMNS if c.kind != SHARE),
        REACHED_PEOPLE,
        Column(
            "reached_share", "Share of confirmed people reached", SHARE, of=("reached", "confirmed")
        ),
    ]
    table = _beside_statewide(
        "scorecard",
        "What became of your referrals, beside statewide",
        columns,
        own,
        statewide,
        parts=OUTCOME_PARTS,
    )
    return table, cells(table, release([table]))
