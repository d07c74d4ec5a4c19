"""An e-mail backend for the worker test: files like the embedded default, but slow, so that
two deliveries of the sweep overlap while sending."""

import time

from django.core.mail.backends.filebased import EmailBackend


class SlowFileBackend(EmailBackend):
    def send_messages(self, email_messages):
        time.sleep(1)
        return super().send_messages(email_messages)
