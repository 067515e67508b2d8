from members.models.chain import ChainLink
from members.models.convention import Convention, ConventionSignature
from members.models.imports import MemberImport
from members.models.member import (
    Certification,
    GrowthEvent,
    Honour,
    Member,
    MemberProductCategory,
    TrademarkLicence,
    USCCField,
)
from members.models.pairing import Pairing, PairingActivity
from members.models.people import Attendance, QualityPerson, TrainingRecord, WorkstationSession

__all__ = [
    "Attendance",
    "Certification",
    "ChainLink",
    "Convention",
    "ConventionSignature",
    "GrowthEvent",
    "Honour",
    "Member",
    "MemberImport",
    "MemberProductCategory",
    "Pairing",
    "PairingActivity",
    "QualityPerson",
    "TrademarkLicence",
    "TrainingRecord",
    "USCCField",
    "WorkstationSession",
]
