"""The disclosure office's statute rules (issue 16), pure Python, no Django, no I/O: working-day
clocks of an application (`clock`), the information processing fee (`fees`), 表二/三/四 compiled
from the records (`compile`) and checked against a report (`reconcile`). The office app
(`xxgk.web.office`) records the year; these modules decide its dates and amounts, each result
explainable step by step (domain.md §7.3–7.4)."""
