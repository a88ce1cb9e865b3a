"""text/geoparse."""
