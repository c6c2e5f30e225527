"""The append-only access log (issue 7). Models defined here are part of referral_portal."""
