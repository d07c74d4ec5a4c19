"""`{{ instant|when }}`: a time for people in the Secretariat's time zone, ISO for machines."""

from django import template
from django.utils.html import format_html

from core.clock import secretariat_when

register = template.Library()


@register.filter
def when(value):
    if not value:
        return ""
    return format_html('<time datetime="{}">{}</time>', value.isoformat(), secretariat_when(value))
