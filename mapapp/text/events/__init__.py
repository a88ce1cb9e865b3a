"""text/events."""
