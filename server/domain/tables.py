"""Every table of the product in one metadata, for migrations and for emptying a test database.

The core model (gemeente, people, households, trajectories, access) is in ``models``; each area keeps its
own tables in ``<area>/model.py``. Importing this module registers them all.
"""

from __future__ import annotations

from sqlalchemy import MetaData

from server.domain import models
from server.domain.budget import model as budget_model
from server.domain.network import model as network_model
from server.domain.notifications import model as notifications_model
from server.domain.offline import model as offline_model
from server.domain.plan import model as plan_model
from server.domain.ratings import model as ratings_model
from server.domain.teamwork import model as teamwork_model
from server.domain.volunteering import model as volunteering_model
from server.domain.workspace import model as workspace_model

AREA_MODELS = (
    models,
    plan_model,
    ratings_model,
    network_model,
    volunteering_model,
    workspace_model,
    teamwork_model,
    budget_model,
    notifications_model,
    offline_model,
)
metadata: MetaData = models.Municipality.metadata
