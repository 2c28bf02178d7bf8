"""A unit's staff, their certificates and their fire-safety training (docs/training.md)."""

from hazardloop.training.models.control_room import ControlRoomShift  # noqa: F401 (h-certs)
from hazardloop.training.models.records import Training, TrainingAttendance
from hazardloop.training.models.staff import Certificate, StaffMember

__all__ = ["Certificate", "StaffMember", "Training", "TrainingAttendance"]
