from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from somedesk.publishing import services


@db_periodic_task(crontab(minute="*"))
def publications_due_task():
    return services.publications_due()
