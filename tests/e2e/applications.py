"""The public application for access, filled in as an organization's first administrator does."""


def send_application(page, faker, *, organization_name: str, email: str) -> None:
    """Fill in every field of the open application form and send it."""
    page.get_by_label("Organization name").fill(organization_name)
    page.get_by_label("Kind of organization").select_option("legal_services_provider")
    page.get_by_label("County of the main office").select_option(label="Albany")
    page.get_by_label("Street address").fill(faker.street_address())
    page.get_by_label("City").fill("Albany")
    page.get_by_label("ZIP code").fill("12207")
    page.get_by_label("Main telephone").fill("518-555-0150")
    page.get_by_label("Designating agency").select_option("OVS")
    page.get_by_label("Date of designation").fill("2022-09-01")
    page.get_by_label("First name").fill(faker.first_name())
    page.get_by_label("Last name").fill(faker.last_name())
    page.get_by_label("Job title").fill("Managing attorney")
    page.get_by_label("Work e-mail address").fill(email)
    page.get_by_label("Work telephone").fill("518-555-0151")
    page.get_by_role("button", name="Send the application").click()
