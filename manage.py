#!/usr/bin/env python
import sys


def main():
    from django.core.exceptions import ImproperlyConfigured

    try:  # no fallback to the development settings (referral_portal/settings_module.py)
        from referral_portal import settings_module

        settings_module.require()
    except ImproperlyConfigured as missing:
        sys.exit(str(missing))
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
