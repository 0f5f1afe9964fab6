"""The sync engine: plain Python on top of the ORM, one module per behaviour.

A run (run.SyncRun) walks each record kind (walk.py, kinds.py); for every pair of records it
asks the mapping (mapping.py) for comparable values, the fingerprints (fingerprint.py) for
what changed, decide.py for what moves, the match rules (matching.py, first_link.py) for a
first link, and the client (billy_api) to write. docs/architecture.md names the owner of
each behaviour.

This package imports nothing, so that its pure modules can be tested without Odoo.
"""
