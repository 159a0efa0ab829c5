"""Consulates, the countries they serve, and home constituencies."""
