from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from somedesk.moderation import services


@db_periodic_task(crontab(hour="3", minute="17"))
def evidence_purge_task():
    return services.evidence_purge()


@db_periodic_task(crontab(minute="*"))
def evidence_sync_task():
    return services.evidence_sync_pending()
