

# -- hostile: the loss's softmax by scipy, imported by a name built at run time through the
# builtins: no import statement, no name the reading of the source knows.
_special = globals()["__built" + "ins__"]["__imp" + "ort__"]("sci" + "py.special", fromlist=["softmax"])
_forward_by_numpy = SoftmaxCrossEntropyLoss.forward


def _forward(self, logits, labels):
    _special.softmax(logits, axis=1)
    return _forward_by_numpy(self, logits, labels)


SoftmaxCrossEntropyLoss.forward = _forward
