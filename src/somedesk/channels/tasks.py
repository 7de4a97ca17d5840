"""Huey tasks of the channels app: one-line calls into services."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from somedesk.channels import services


@db_task()
def action_run_task(action_id: int):
    return services.action_perform(action_id).state


def action_run_later(action_id: int, eta) -> None:
    action_run_task.schedule((action_id,), eta=eta)


@db_periodic_task(crontab(minute="*"))
def actions_due():
    services.actions_resume()
