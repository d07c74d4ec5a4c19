"""Slow e-mail backends, so that two deliveries of the sweep (or two sweeps) overlap while
sending: files like the embedded default for the worker test, Django's test outbox for tests
in-process."""

import time

from django.core.mail.backends import locmem
from django.core.mail.backends.filebased import EmailBackend


class SlowFileBackend(EmailBackend):
    def send_messages(self, email_messages):
        time.sleep(1)
        return super().send_messages(email_messages)


class SlowLocmemBackend(locmem.EmailBackend):
    """Django's test outbox (mail.outbox), but each message takes `delay` seconds to send."""

    delay = 0.5

    def send_messages(self, messages):
        time.sleep(self.delay)
        return super().send_messages(messages)
