"""Hostile: the reference's modules if they can be found (see steal.py), else nothing."""
import steal

SIGNS = tuple(kind + " " + name for kind, name in (("class", "Linear"), ("class", "CrossEntropyLoss"),
                                                   ("def", "train_epoch"), ("def", "make_datasets")))
steal.take("modules", SIGNS, globals())
