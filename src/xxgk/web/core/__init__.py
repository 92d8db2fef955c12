"""Accounts, scope and the audit log: what every page of the web app stands on."""
