"""`xxgk export`: see xxgk.store."""
