"""A unit's staff, their certificates and their fire-safety training (docs/training.md)."""

from hazardloop.training.models.control_room import ControlRoomShift
from hazardloop.training.models.quiz import PracticalCheck, QuizAttempt, QuizQuestion
from hazardloop.training.models.records import Training, TrainingAttendance
from hazardloop.training.models.staff import Certificate, StaffMember

__all__ = [
    "Certificate",
    "ControlRoomShift",
    "PracticalCheck",
    "QuizAttempt",
    "QuizQuestion",
    "StaffMember",
    "Training",
    "TrainingAttendance",
]
