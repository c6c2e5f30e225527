"""The routing directory: 58 social services districts, 11 RHTP regions with one provider each,
and the county map joining them, with a portal organization for every receiving agency.

What is real: the districts (57 counties plus New York City for Bronx, Kings, New York, Queens
and Richmond). What is NOT real, and labelled so everywhere (contact_is_demo, is_demo,
region_is_demo, "(demo)" in names): every intake phone, e-mail and address, the RHTP regions,
their providers, and which county belongs to which region. The real county-to-provider map is
not public here; administrators replace these rows in the admin (/manage/routing/).

The data is written out in this file on purpose: a migration must replay the same way forever.
"""

from django.db import migrations
from django.utils import timezone

NEW_YORK_CITY = ("Bronx", "Kings", "New York", "Queens", "Richmond")

# DEMO county-to-region map: New York's ten economic development regions, with New York City
# split in two to make eleven. Not the real RHTP service areas.
DEMO_REGIONS = {
    "Capital Region": ["Albany", "Columbia", "Greene", "Rensselaer", "Saratoga", "Schenectady",
                       "Warren", "Washington"],
    "Central New York": ["Cayuga", "Cortland", "Madison", "Onondaga", "Oswego"],
    "Finger Lakes": ["Genesee", "Livingston", "Monroe", "Ontario", "Orleans", "Seneca", "Wayne",
                     "Wyoming", "Yates"],
    "Long Island": ["Nassau", "Suffolk"],
    "Mid-Hudson": ["Dutchess", "Orange", "Putnam", "Rockland", "Sullivan", "Ulster",
                   "Westchester"],
    "Mohawk Valley": ["Fulton", "Herkimer", "Montgomery", "Oneida", "Otsego", "Schoharie"],
    "New York City North": ["Bronx", "New York"],
    "New York City South": ["Kings", "Queens", "Richmond"],
    "North Country": ["Clinton", "Essex", "Franklin", "Hamilton", "Jefferson", "Lewis",
                      "St. Lawrence"],
    "Southern Tier": ["Broome", "Chemung", "Chenango", "Delaware", "Schuyler", "Steuben", "Tioga",
                      "Tompkins"],
    "Western New York": ["Allegany", "Cattaraugus", "Chautauqua", "Erie", "Niagara"],
}  # fmt: skip

DEMO_ADDRESS = "DEMO ADDRESS - replace with the real intake address"
DEMO_HOURS = "DEMO - Monday to Friday, 9 am to 5 pm"


def _slug(name):
    return "".join(ch for ch in name.lower().replace(" ", "-") if ch.isalnum() or ch == "-")


def _demo_phone(number):
    # 555-0100 to 555-0199 are reserved for fiction; 69 agencies fit.
    return f"(518) 555-01{number:02d}"


def load(apps, schema_editor):
    County = apps.get_model("referral_portal", "County")
    Organization = apps.get_model("accounts", "Organization")
    District = apps.get_model("routing", "District")
    RhtpRegion = apps.get_model("routing", "RhtpRegion")
    RhtpProvider = apps.get_model("routing", "RhtpProvider")
    CountyCoverage = apps.get_model("routing", "CountyCoverage")
    counties = {county.name: county for county in County.objects.all()}
    now = timezone.now()
    numbers = iter(range(100))

    def organization(name, kind, county, phone):
        found, _ = Organization.objects.get_or_create(
            name=name,
            kind=kind,
            defaults={
                "county": county,
                "street_address": DEMO_ADDRESS,
                "city": county.name,
                "postal_code": "00000",
                "phone": phone,
                "status": "verified",
                "status_reason": "Receiving agency loaded with the routing directory.",
                "verified_at": now,
            },
        )
        return found

    def contact(email, phone):
        return {
            "intake_phone": phone,
            "intake_email": email,
            "intake_address": DEMO_ADDRESS,
            "intake_hours": DEMO_HOURS,
            "contact_is_demo": True,
        }

    districts = {}
    for name, county in sorted(counties.items()):
        if name in NEW_YORK_CITY:
            continue
        phone = _demo_phone(next(numbers))
        agency = organization(f"{name} County Department of Social Services", "local_dss",
                              county, phone)  # fmt: skip
        districts[name], _ = District.objects.get_or_create(
            name=f"{name} County",
            defaults={"organization": agency,
                      **contact(f"intake@{_slug(name)}-county.dss.example", phone)},
        )  # fmt: skip
    phone = _demo_phone(next(numbers))
    nyc_agency = organization(
        "New York City Human Resources Administration", "local_dss", counties["New York"], phone
    )
    nyc, _ = District.objects.get_or_create(
        name="New York City",
        defaults={"organization": nyc_agency, **contact("intake@nyc.dss.example", phone)},
    )
    for name in NEW_YORK_CITY:
        districts[name] = nyc

    regions = {}
    for region_name, members in DEMO_REGIONS.items():
        region, _ = RhtpRegion.objects.get_or_create(
            name=f"{region_name} (demo)", defaults={"is_demo": True}
        )
        phone = _demo_phone(next(numbers))
        agency = organization(f"{region_name} RHTP Provider (demo)", "rhtp_provider",
                              counties[members[0]], phone)  # fmt: skip
        RhtpProvider.objects.get_or_create(
            region=region,
            defaults={"organization": agency,
                      **contact(f"intake@{_slug(region_name)}.rhtp.example", phone)},
        )  # fmt: skip
        for member in members:
            regions[member] = region

    for name, county in counties.items():
        CountyCoverage.objects.update_or_create(
            county=county,
            defaults={"district": districts[name], "rhtp_region": regions.get(name),
                      "region_is_demo": True},
        )  # fmt: skip


def unload(apps, schema_editor):
    Organization = apps.get_model("accounts", "Organization")
    District = apps.get_model("routing", "District")
    RhtpProvider = apps.get_model("routing", "RhtpProvider")
    organization_ids = list(District.objects.values_list("organization_id", flat=True)) + list(
        RhtpProvider.objects.values_list("organization_id", flat=True)
    )
    apps.get_model("routing", "CountyCoverage").objects.all().delete()
    RhtpProvider.objects.all().delete()
    apps.get_model("routing", "RhtpRegion").objects.all().delete()
    District.objects.all().delete()
    Organization.objects.filter(pk__in=organization_ids, members__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("routing", "0001_initial"),
        ("referral_portal", "0002_load_counties"),
        ("accounts", "0001_initial"),
    ]

    operations = [migrations.RunPython(load, unload)]
