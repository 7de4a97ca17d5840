"""Huey tasks of the channels app: one-line calls into services."""

from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task, db_task

from somedesk.channels import services


@db_task()
def action_run_task(action_id: int):
    return services.action_perform(action_id).state


def action_run_later(action_id: int, eta) -> None:
    action_run_task.schedule((action_id,), eta=eta)


@db_task()
def raw_event_apply_task(event_id: int | None = None):
    # Drains every pending event, this one included. Webhook POSTs no longer queue this (the worker's
    # follow loop finds their events); kept for callers that want a drain through the queue.
    services.raw_events_drain()  # returns None: huey stores no result


@db_task()
def raw_events_resume_task(channel_id: int | None = None):
    from somedesk.inbox.models import Channel

    channel = Channel.objects.filter(pk=channel_id).first() if channel_id else None
    services.raw_events_resume(channel)
    if channel is not None:
        services.actions_resume(channel)


@db_task()
def channel_poll_task(channel_id: int, days: int | None = None):
    from somedesk.inbox.models import Channel

    with HUEY.lock_task(f"channel-poll-{channel_id}"):
        return services.channel_poll(Channel.objects.get(pk=channel_id), days=days).stopped


@db_task()
def channel_backfill_task(channel_id: int, days: int):
    return channel_poll_task.call_local(channel_id, days)


@db_periodic_task(crontab(minute="*"))
def channels_tick():
    """Every minute: due outgoing actions, pending events a killed worker left behind, due polls."""
    services.actions_resume()
    services.raw_events_drain()
    for channel_id in services.channels_poll_due():
        channel_poll_task(channel_id)
