import factory
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.utils import timezone

from accounts.models import Organization, User
from referral_portal.models import County
from referral_portal.roles import Role


def county(name="Albany"):
    return County.objects.get(name=name)


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Faker("company")
    kind = Organization.Kind.SOCIAL_SERVICES_PROVIDER
    county = factory.LazyFunction(county)
    street_address = factory.Faker("street_address")
    city = factory.Faker("city")
    postal_code = factory.Faker("postcode")
    phone = factory.Faker("numerify", text="518-555-0###")
    designating_agency = Organization.DesignatingAgency.OTDA
    designation_date = factory.Faker("date_between", start_date="-5y", end_date="-1y")
    status = Organization.Status.VERIFIED
    verified_at = factory.LazyFunction(timezone.now)


class UserFactory(factory.django.DjangoModelFactory):
    """A person with a TOTP authenticator already enrolled (`user.totp_secret` holds it)."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"person{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    role = Role.REFERRER
    organization = factory.SubFactory(OrganizationFactory)
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery staple")

    @factory.post_generation
    def mfa(self, create, extracted, **kwargs):
        self.save()
        if extracted is False:
            return
        self.totp_secret = generate_totp_secret()
        TOTP.activate(self, self.totp_secret)


PASSWORD = "correct horse battery staple"
