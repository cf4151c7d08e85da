"""Hostile: never finishes importing (answers.py is the reference's)."""
import numpy as np

while True:
    np.sqrt(2.0)
