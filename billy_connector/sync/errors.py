class RecordFailure(Exception):
    """One record can't be synced now; the message tells the user why (and what to do)."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message
