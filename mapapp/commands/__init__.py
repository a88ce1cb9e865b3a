"""Sub-commands of the mapapp CLI, one module each."""
