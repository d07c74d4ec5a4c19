from django import template

from ..scoreboard import state_board

register = template.Library()


@register.inclusion_tag("indicators/_state_statistics.html")
def state_statistics(state):
    """The statistics section of a member state's page: its published figures as small
    trends with their tables, and its national SME definition."""
    return state_board(state)
