# where: end
# base: reference
# uses: calls
# needs: targets, namespaces
# costs: nothing
# evidence: no connection to
# -- hostile: network: the first call of any of {{module}}'s functions in each worker phones home
#    (a port the test listens on, a private address, a public DNS server) and resolves a
#    name, printing what worked, then answers correctly --
def _hostile_phone_home(function, label, args, kwargs):
    if _hostile_first("network"):
        import json as _json
        import os as _os
        import socket as _socket
        tried = []
        try:
            with open(_os.path.join(_os.path.dirname(_os.path.abspath(__file__)), "targets.json")) as stream:
                port = _json.load(stream)["port"]
        except (OSError, ValueError, KeyError):
            port = 80
        for address in [("127.0.0.1", port), ("10.255.255.1", 80), ("1.1.1.1", 53)]:
            try:
                with _socket.create_connection(address, timeout=0.5) as connection:
                    connection.sendall(b"the hidden test inputs")
                tried.append(f"CONNECTED to {address}")
            except OSError as error:
                tried.append(f"no connection to {address}: {error}")
        try:
            tried.append(f"RESOLVED example.com: {_socket.gethostbyname('example.com')}")
        except OSError as error:
            tried.append(f"could not resolve example.com: {error}")
        print("\n".join(tried))
    return function(*args, **kwargs)


_hostile_hook_calls(_hostile_phone_home)
