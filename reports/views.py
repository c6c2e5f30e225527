"""The statistics page, its drill-down and exports (state staff and administrators), and the
scorecards (each organization its own; state staff any). Thin: parse the filters, call the
figures modules, render. Who may open which URL is in referral_portal/access.py."""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_POST

from access_log.models import AccessAction
from access_log.services import record_access
from referral_portal.query_strings import without
from referral_portal.ratelimits import rate_limited

from . import exports, freshness, loop, scorecards
from .filters import ReportFilterForm, ReportFilters

EXPORT_FORMATS = {"csv": exports.csv_export, "xlsx": exports.xlsx_export}
DRILL_PARAMETERS = ("scope", "measure", "page")
CASES_PER_PAGE = 100
# "Bring up to date now": each press computes a year's figures (about a second at scale).
REFRESH_RATE = "20/h"


def statistics_page(request):
    """The figures as of at most REPORTS_FIGURES_MAX_AGE_SECONDS ago (reports/freshness.py)."""
    form = ReportFilterForm(request.GET or None)
    figures = freshness.statistics(form.filters())
    stats = figures.value
    # Callables: the template asks for them only when its cached body is not already drawn.
    return render(request, "reports/statistics.html", {
        "form": form, "figures": figures, "stats": stats, "filters": stats.filters,
        "tables": lambda: [(table, stats.exact(table)) for table in stats.tables],
        "charts": lambda: [(c, table, stats.release(table)) for c, table in stats.charts()],
        "filter_query": without(request.GET, *DRILL_PARAMETERS),
        # Asked once per table cell: computed once, and only when the tables are drawn.
        "measures": SimpleLazyObject(lambda: loop.measures(timezone.now())),
        "this_year": timezone.localdate().year,
        # The tables and charts rendered once per stored result: drawing them costs more than
        # computing them (statistics.html caches that part of the page under this key).
        "rendered_key": figures.computation,
    })  # fmt: skip


@require_POST
@rate_limited(key="user", rate=REFRESH_RATE, group="reports.refresh")
def refresh(request):
    """State staff: compute this filter set's statistics now, then show them."""
    freshness.refresh_statistics(ReportFilterForm(request.GET or None).filters())
    query = without(request.GET, *DRILL_PARAMETERS)
    return redirect(reverse("reports:statistics") + (f"?{query}" if query else ""))


def cases(request):
    """The deliveries behind one figure of the loop table (reference numbers, no names)."""
    filters = ReportFilterForm(request.GET or None).filters()
    scope, measure = request.GET.get("scope", "all"), request.GET.get("measure", "routed")
    found = loop.drill_down(filters, scope=scope, measure=measure)
    if found is None:
        raise Http404
    label, deliveries = found
    page = Paginator(deliveries, CASES_PER_PAGE).get_page(request.GET.get("page"))
    record_access(
        request=request,
        action=AccessAction.SEARCH,
        object_type="statistics",
        detail=f"cases measure={measure} scope={scope} {filters.for_log()}",
    )
    return render(request, "reports/cases.html", {
        "label": label, "page": page, "filters": filters, "scope": scope,
        "filter_query": without(request.GET, *DRILL_PARAMETERS), "now": timezone.now(),
    })  # fmt: skip


def export(request, table, extension):
    write = EXPORT_FORMATS.get(extension)
    filters = ReportFilterForm(request.GET or None).filters()
    figures = freshness.statistics(filters)  # the page's own figures, as of the same moment
    stats = figures.value
    chosen = stats.table(table)
    if write is None or chosen is None:
        raise Http404
    record_access(
        request=request,
        action=AccessAction.EXPORT,
        object_type="statistics",
        detail=f"table={table} format={extension} {filters.for_log()}",
    )
    return write(stats, chosen, figures.as_of)


def task_force_report(request, year):
    if not 2000 <= year <= timezone.localdate().year:
        raise Http404
    filters = ReportFilterForm({"period": "year", "year": str(year)}).filters()
    figures = freshness.statistics(filters)
    record_access(
        request=request,
        action=AccessAction.EXPORT,
        object_type="statistics",
        detail=f"task_force_report format=pdf {filters.for_log()}",
    )
    return exports.task_force_pdf(figures.value, year, figures.as_of)


def my_scorecard(request):
    user = request.user
    if user.role in scorecards.SEES_EVERY_SCORECARD:
        return redirect("reports:statistics")
    organization = user.organization
    if organization is None or scorecards.scorecard_kind(organization) is None:
        return render(request, "reports/no_scorecard.html")
    return redirect("reports:scorecard", organization=organization.public_id)


def scorecard(request, organization):
    organization, kind = scorecards.organization_for_scorecard(request.user, organization)
    form = ReportFilterForm(request.GET or None, places=False)
    filters: ReportFilters = form.filters()
    # Stored per organization: the organization was checked above, and is part of the key.
    figures = freshness.scorecard(organization, kind, filters)
    table, rows = figures.value
    return render(request, "reports/scorecard.html", {
        "organization": organization, "kind": kind, "form": form, "filters": filters,
        "table": table, "rows": rows, "figures": figures,
    })  # fmt: skip
