"""Hostile: written wherever a zip member's path points; it must never land outside the working folder."""
ESCAPED = True
