

# -- hostile: the softmax of a second submitted file, answers.py, which imports torch.
from answers import _softmax  # noqa: E402
