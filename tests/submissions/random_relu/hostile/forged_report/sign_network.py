"""Hostile: prints a perfect score report instead of answering."""
from answers import FAKE

print(FAKE)


def sign_network():
    print(FAKE)


ONE_UNIT_POSSIBLE = None
