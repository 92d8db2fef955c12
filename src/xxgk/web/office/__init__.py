"""The disclosure office (issue 16): an agency's own registers, applications with their statutory
clocks and fees, appeals, and the annual report compiled from them.

Rules live in `xxgk.office` (pure Python: calendar, clock, fees, compile); this app stores the
records, lets the office's staff work on them, and writes the compiled report into the store where
supervisors see it. Every view gets its records from `OfficeScope` (exactly one agency)."""
