"""Hostile: the reference's gates if they can be found (see steal.py), else nothing."""
import steal

SIGNS = tuple("def " + name for name in ("or_gate", "xor_gate", "nand_gate"))
steal.take("gates", SIGNS, globals())
