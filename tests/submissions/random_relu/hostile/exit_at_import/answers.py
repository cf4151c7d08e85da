"""Hostile: ends the worker process at once, skipping every handler."""
import os

os._exit(0)
