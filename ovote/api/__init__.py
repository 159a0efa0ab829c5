"""The JSON API (/api/v1, DESIGN.md §7) used by the browser and command-line clients."""
