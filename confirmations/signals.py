"""The review app reacting to the referrals app below it (which never imports this one).

When the referrer answers a request for information, the referrals app writes an "information
provided" event in the answering transaction, with the referral row locked. If the decision
clock was paused for that request (CONFIRMATIONS_PAUSE_CLOCK_FOR_INFORMATION), it restarts
there: the due date moves later by the business days spent waiting.
"""

from django.db.models.signals import post_save
from django.dispatch import receiver

from referrals.models import EventKind, ReferralEvent

from . import services


@receiver(post_save, sender=ReferralEvent, dispatch_uid="confirmations.resume_clock")
def resume_clock_on_answer(sender, instance, created, **kwargs):
    if created and instance.kind == EventKind.INFO_PROVIDED:
        services.resume_clock(referral=instance.referral, at=instance.at)
