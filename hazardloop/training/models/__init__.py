"""A unit's staff, their certificates and their fire-safety training (docs/training.md)."""

from hazardloop.training.models.records import Training, TrainingAttendance
from hazardloop.training.models.staff import Certificate, StaffMember

__all__ = ["Certificate", "StaffMember", "Training", "TrainingAttendance"]
