"""Imports every feature's models so that metadata (and Alembic autogenerate) sees all tables."""
from .activities.models import *  # noqa: F401,F403
from .auth.models import *  # noqa: F401,F403
from .certificates.models import *  # noqa: F401,F403
from .core.audit import AuditEvent  # noqa: F401
from .learning.models import *  # noqa: F401,F403
from .notifications.models import *  # noqa: F401,F403
from .partners.models import *  # noqa: F401,F403
