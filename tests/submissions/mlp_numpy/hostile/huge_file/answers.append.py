

# -- hostile: dropout_risk writes a 200 MB file first; the rest is the reference -----
_reference_dropout_risk = dropout_risk


def dropout_risk(X, y, w, p):
    block = b"\0" * 2**20
    with open("huge.bin", "wb") as stream:
        for _ in range(200):
            stream.write(block)
    return _reference_dropout_risk(X, y, w, p)
