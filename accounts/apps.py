from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        # A log line per failed login, whichever form or endpoint checked the password.
        from django.contrib.auth.signals import user_login_failed

        from .throttling import log_login_failure

        user_login_failed.connect(log_login_failure, dispatch_uid="accounts.log_login_failure")
