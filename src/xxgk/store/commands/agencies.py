"""`xxgk agencies`: see xxgk.store."""
