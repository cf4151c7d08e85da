"""The reference."""


def count():
    """How many terms the check should add up."""
    # BEGIN SOLUTION: return 1000
    return 1000
    # END SOLUTION


def other():
    # BEGIN SOLUTION: return 2
    return 2
    # END SOLUTION
