"""gunicorn's settings for a web node (the image's CMD and docker-compose's `web`).

Sync workers, 2 per core unless GUNICORN_WORKERS says otherwise: a sync worker waits on
PostgreSQL about half the time (docs/operations.md, "Scaling out"; the exam-day figure
was measured so). Flags on gunicorn's command line win over this file.
"""

import multiprocessing
import os

workers = int(os.environ.get("GUNICORN_WORKERS") or 2 * multiprocessing.cpu_count())
