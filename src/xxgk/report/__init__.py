"""Domain core: the report model, formats and checks. Pure Python: no I/O, no readers, no Django."""

from .model import SCHEMA, Cell, Finding, Report

__all__ = ["SCHEMA", "Cell", "Finding", "Report"]
