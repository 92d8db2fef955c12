"""Supervision: the 政务公开 office above its agencies, and researchers (issue 15)."""
