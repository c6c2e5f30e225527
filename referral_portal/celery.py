from celery import Celery

from . import settings_module

settings_module.require()  # no fallback: `celery -A referral_portal` needs the variable set

app = Celery("referral_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
