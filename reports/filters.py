"""The statistics filters: a period (month, quarter, year or custom dates, in New York time),
a place (RHTP region, county or district, all read from the person's county of residence) and
the kind of referring organization. One form parses them; ReportFilters turns them into the
conditions each figure's query uses, so every table, export and drill-down filters alike."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django import forms
from django.db.models import Q
from django.utils import timezone

from accounts.models import Organization
from referral_portal.business_days import NEW_YORK
from referral_portal.models import County
from routing.models import District, RhtpRegion

PERIODS = [("year", "Year"), ("quarter", "Quarter"), ("month", "Month"), ("custom", "Dates")]
MONTHS = [(n, date(2000, n, 1).strftime("%B")) for n in range(1, 13)]
QUARTERS = [(n, f"Quarter {n}") for n in range(1, 5)]
REFERRER_KINDS = [
    (kind.value, kind.label) for kind in Organization.Kind if kind in Organization.REFERRING_KINDS
]
FIRST_YEAR = 2000
LONGEST_CUSTOM_PERIOD = timedelta(days=366 * 10)


@dataclass(frozen=True)
class ReportFilters:
    start: date  # first day, inclusive
    end: date  # last day, inclusive
    period_label: str
    county: County | None = None
    region: RhtpRegion | None = None
    district: District | None = None
    referrer_kind: str = ""

    @property
    def starts_at(self) -> datetime:
        return datetime.combine(self.start, time.min, tzinfo=NEW_YORK)

    @property
    def ends_before(self) -> datetime:
        return datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=NEW_YORK)

    def during(self, field: str) -> Q:
        return Q(**{f"{field}__gte": self.starts_at, f"{field}__lt": self.ends_before})

    def referral_q(self, prefix: str = "") -> Q:
        """Place and referrer kind, on a referral reached through `prefix` ("referral__")."""
        q = Q()
        county = f"{prefix}county_of_residence"
        if self.county:
            q &= Q(**{county: self.county})
        if self.region:
            q &= Q(**{f"{county}__coverage__rhtp_region": self.region})
        if self.district:
            q &= Q(**{f"{county}__coverage__district": self.district})
        if self.referrer_kind:
            q &= Q(**{f"{prefix}organization__kind": self.referrer_kind})
        return q

    def described(self) -> list[tuple[str, str]]:
        """The filters in words, for the top of every export and the PDF."""
        kinds = dict(REFERRER_KINDS)
        return [
            ("Period", self.period_label),
            ("RHTP region", self.region.name if self.region else "All"),
            ("County of residence", self.county.name if self.county else "All"),
            ("Social services district", self.district.name if self.district else "All"),
            ("Referring organization", kinds.get(self.referrer_kind, "All kinds")),
        ]

    def for_log(self) -> str:
        """Ids only (the access log holds no names): what was filtered on."""
        parts = [f"from={self.start}", f"to={self.end}"]
        for name, value in (
            ("county", self.county),
            ("region", self.region),
            ("district", self.district),
        ):
            if value is not None:
                parts.append(f"{name}={value.pk}")
        if self.referrer_kind:
            parts.append(f"referrer_kind={self.referrer_kind}")
        return " ".join(parts)


def _year_choices(today: date):
    return [(year, str(year)) for year in range(today.year, FIRST_YEAR - 1, -1)]


class ReportFilterForm(forms.Form):
    period = forms.ChoiceField(choices=PERIODS, required=False)
    year = forms.TypedChoiceField(coerce=int, required=False)
    quarter = forms.TypedChoiceField(choices=QUARTERS, coerce=int, required=False)
    month = forms.TypedChoiceField(choices=MONTHS, coerce=int, required=False)
    start = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label="To", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    region = forms.ModelChoiceField(
        RhtpRegion.objects.all(), label="RHTP region", required=False, empty_label="All regions"
    )
    county = forms.ModelChoiceField(
        County.objects.all(),
        label="County of residence",
        required=False,
        empty_label="All counties",
    )
    district = forms.ModelChoiceField(
        District.objects.only("pk", "name"),
        required=False,
        label="Social services district",
        empty_label="All districts",
    )
    referrer_kind = forms.ChoiceField(
        choices=[("", "All kinds"), *REFERRER_KINDS], label="Referring organization", required=False
    )

    def __init__(self, data=None, *, places=True):
        super().__init__(data)
        self.today = timezone.localdate()
        self.fields["year"].choices = _year_choices(self.today)
        if not places:  # a scorecard: one organization, the period only
            for name in ("region", "county", "district", "referrer_kind"):
                del self.fields[name]

    def clean(self):
        data = super().clean()
        if data.get("period") == "custom":
            start, end = data.get("start"), data.get("end")
            if not start or not end:
                raise forms.ValidationError("Enter both dates of the period.")
            if end < start:
                self.add_error("end", "The end date must be on or after the start date.")
            elif end - start > LONGEST_CUSTOM_PERIOD:
                self.add_error("end", "Choose a period of ten years or less.")
        return data

    def filters(self) -> ReportFilters:
        """The filters asked for; the current year when nothing (or nothing valid) was asked."""
        data = self.cleaned_data if self.is_valid() else {}
        start, end, label = self._period(data)
        return ReportFilters(
            start=start,
            end=end,
            period_label=label,
            county=data.get("county"),
            region=data.get("region"),
            district=data.get("district"),
            referrer_kind=data.get("referrer_kind") or "",
        )

    def _period(self, data) -> tuple[date, date, str]:
        period, year = data.get("period") or "year", data.get("year") or self.today.year
        if period == "custom":
            start, end = data["start"], data["end"]
            return start, end, f"{start:%B %-d, %Y} to {end:%B %-d, %Y}"
        if period == "month" and data.get("month"):
            start = date(year, data["month"], 1)
            end = _month_end(start)
            return start, end, f"{start:%B %Y}"
        if period == "quarter" and data.get("quarter"):
            start = date(year, 3 * data["quarter"] - 2, 1)
            end = _month_end(date(year, 3 * data["quarter"], 1))
            return start, end, f"Quarter {data['quarter']} of {year} ({start:%B} to {end:%B})"
        return date(year, 1, 1), date(year, 12, 31), f"The year {year}"


def _month_end(first: date) -> date:
    following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return following - timedelta(days=1)
