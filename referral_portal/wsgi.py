from django.core.wsgi import get_wsgi_application

from referral_portal import settings_module

settings_module.require()  # no fallback to the development settings
application = get_wsgi_application()
