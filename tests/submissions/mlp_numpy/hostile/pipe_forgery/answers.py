"""Hostile: garbage on the answer pipe, then the request pipe closed under the worker."""
import os
import sys

os.write(int(sys.argv[2]), b"\xff" * 8 + b"not a message at all")


def xor_step_network():
    os.write(int(sys.argv[2]), b"\x05\x00\x00\x00\x00\x00\x00\x00{\"ok\"")  # a torn message
    os.close(int(sys.argv[1]))
    raise NotImplementedError


def interpolate(X, y):
    os.write(int(sys.argv[2]), b"\x10\x00\x00\x00\x00\x00\x00\x00[[[[[[[[[[[[[[[[")
    raise NotImplementedError


def tanh_from_sigmoid(W1, b1, W2, b2):
    os.close(int(sys.argv[2]))
    raise NotImplementedError


def dropout_risk(X, y, w, p):
    raise NotImplementedError
