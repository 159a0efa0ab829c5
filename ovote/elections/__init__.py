"""Consulates, constituencies, ballot styles, elections and the key ceremony."""
