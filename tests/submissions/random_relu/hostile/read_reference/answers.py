"""Hostile: the reference's answers if it can be found (see steal.py), else nothing."""
import steal

# Split so that this file does not match its own search when it reads itself.
SIGNS = tuple("def " + name for name in ("expected_active", "graph_forward_backward", "softmax_ce_grad"))
steal.take("answers", SIGNS, globals())
