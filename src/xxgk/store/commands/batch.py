"""`xxgk batch`: see xxgk.store."""
