"""Hostile: the reference's backprop if it can be found (see steal.py), else nothing."""
import steal

SIGNS = tuple("def " + name for name in ("loss(W, x)", "grad_W(W, x)"))
steal.take("backprop", SIGNS, globals())
