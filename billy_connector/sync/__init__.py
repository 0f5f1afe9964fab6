"""The sync engine: plain Python on top of the ORM, one module per concern.

A run (engine.SyncRun) walks each record kind (kinds.py); for every pair of records it asks
the mapping (mapping.py) for comparable values, the fingerprints (fingerprint.py) for what
changed, the matcher (matching.py) for a first link, and the client (billy_api) to write.
"""
