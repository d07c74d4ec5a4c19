"""Daily (and frequent) tasks in django-celery-beat's schedule, where the Secretariat sees and
changes them.

Called from data migrations. Idempotent: a task is created only when no task of that name
exists, so a schedule the Secretariat has edited is never reset.
"""

from django.conf import settings


def daily_task_ensure(apps, *, name, task, description, same_time_as=None):
    """Create the periodic task `name` running `task` once a day if it does not exist: at the
    time of the task named `same_time_as` when there is one, else at REMINDER_SWEEP_HOUR in
    the Secretariat's time zone."""
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    if PeriodicTask.objects.filter(name=name).exists():
        return
    model = PeriodicTask.objects.filter(name=same_time_as, crontab__isnull=False).first()
    if model is not None:
        schedule = model.crontab
    else:
        schedule, _ = CrontabSchedule.objects.get_or_create(
            minute="0",
            hour=str(settings.REMINDER_SWEEP_HOUR),
            day_of_week="*",
            day_of_month="*",
            month_of_year="*",
            timezone=settings.CELERY_TIMEZONE,
        )
    PeriodicTask.objects.create(name=name, task=task, crontab=schedule, description=description)


def interval_task_ensure(apps, *, name, task, description, minutes):
    """Create the periodic task `name` running `task` every `minutes` if it does not exist."""
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    if PeriodicTask.objects.filter(name=name).exists():
        return
    schedule, _ = IntervalSchedule.objects.get_or_create(every=minutes, period="minutes")
    PeriodicTask.objects.create(name=name, task=task, interval=schedule, description=description)
