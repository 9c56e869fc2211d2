"""tuireader: read articles sentence by sentence and tag fact, speculation and expert opinion."""

__version__ = "0.1.0"
