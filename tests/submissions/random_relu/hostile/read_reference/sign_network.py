"""Hostile: the reference's sign network if it can be found (see steal.py), else nothing."""
import steal

SIGNS = ("def " + "sign_network", "ONE_UNIT" + "_POSSIBLE =")
steal.take("sign_network", SIGNS, globals())
