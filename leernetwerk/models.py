"""Imports every area's models so that the metadata (and Alembic) sees the whole schema."""

from .audit import AuditEvent  # noqa: F401
from .auth.models import LoginAttempt, RecoveryCode, RememberedDevice, User, UserSession  # noqa: F401
from .coalitions.models import (  # noqa: F401
    Coalition,
    CoalitionMember,
    Municipality,
    Organisation,
    Question,
    QuestionSignal,
)
from .generations import DataState  # noqa: F401
from .library.models import (  # noqa: F401
    Attachment,
    Deliverable,
    DeliverableVersion,
    Follow,
    LibraryEntry,
    Review,
    TextExtraction,
)
from .notifications.models import (  # noqa: F401
    Notification,
    NotificationPreference,
    OutboxMail,
    ReminderLog,
)
from .rounds.models import (  # noqa: F401
    Milestone,
    ProgressUpdate,
    Round,
    SupportRequest,
    TableEvaluation,
    TableMembership,
    ThematicTable,
    WorkPackage,
)
from .submissions import FormSubmission  # noqa: F401
