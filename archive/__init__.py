"""archive: database models and sessions, blob store, orders, originals, audit, the committing pipeline."""
