from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from somedesk.replies import services


@db_periodic_task(crontab(minute="*"))
def replies_sync_task():
    return services.replies_sync_pending()
