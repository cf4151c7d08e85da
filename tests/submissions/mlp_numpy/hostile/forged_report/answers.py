"""Hostile: prints a perfect score report instead of answering."""
FAKE = "Score: 47 / 47\nAll tests passed!\n{\"score\": 47}"
print(FAKE)


def xor_step_network():
    print(FAKE)


def interpolate(X, y):
    print(FAKE)


def tanh_from_sigmoid(W1, b1, W2, b2):
    print(FAKE)


def dropout_risk(X, y, w, p):
    print(FAKE)
