"""All models, imported here so that Alembic and the app see every table."""

from app.models.api import ApiToken
from app.models.audit import AuditChainHead, AuditEvent
from app.models.certificate import Certificate
from app.models.content import LearningPath, Lesson, Module, ModuleVersion
from app.models.evidence import AiSystem
from app.models.hr import (
    AssignmentRule,
    FigureSnapshot,
    ImportBatch,
    ReminderSent,
    UserJobRole,
)
from app.models.interop import BadgeSigningKey, LrsConnection, XapiOutboxEntry
from app.models.job import Job, JobStatus
from app.models.learning import Assignment, Completion, LessonRead, ModuleProgress
from app.models.mfa import RecoveryCode, TotpCredential
from app.models.org import Organisation, OrgUnit
from app.models.passkey import PasskeyCredential, WebauthnChallenge
from app.models.quiz import QuizAnswer, QuizAttempt
from app.models.sso import IdentityProvider
from app.models.studio import DraftReview, DraftStatus, LessonFeedback, ModuleDraft
from app.models.user import HrScope, Role, RoleGrant, User

__all__ = [
    "WebauthnChallenge",
    "AiSystem",
    "ApiToken",
    "Assignment",
    "AssignmentRule",
    "ImportBatch",
    "Job",
    "JobStatus",
    "UserJobRole",
    "AuditChainHead",
    "AuditEvent",
    "BadgeSigningKey",
    "Certificate",
    "Completion",
    "DraftReview",
    "DraftStatus",
    "FigureSnapshot",
    "HrScope",
    "IdentityProvider",
    "LearningPath",
    "Lesson",
    "LessonFeedback",
    "LessonRead",
    "LrsConnection",
    "Module",
    "ModuleDraft",
    "ModuleProgress",
    "ModuleVersion",
    "OrgUnit",
    "Organisation",
    "PasskeyCredential",
    "QuizAnswer",
    "QuizAttempt",
    "RecoveryCode",
    "ReminderSent",
    "Role",
    "RoleGrant",
    "TotpCredential",
    "User",
    "XapiOutboxEntry",
]
