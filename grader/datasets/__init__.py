"""Data sets the reference experiments and training checks run on."""
from grader.datasets.embedded import load_digits_split
from grader.datasets.omniglot import (
    CLASSES as OMNIGLOT_CLASSES,
    FEATURES as OMNIGLOT_FEATURES,
    FILENAME as OMNIGLOT_FILENAME,
    DatasetError,
    load_omniglot,
    save_omniglot_pickle,
)

__all__ = ["DatasetError", "load_omniglot", "save_omniglot_pickle", "load_digits_split",
           "OMNIGLOT_CLASSES", "OMNIGLOT_FEATURES", "OMNIGLOT_FILENAME"]
