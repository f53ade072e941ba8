"""Errors the command reports with a message and an exit code (2: bad input, 1: failure)."""


class SpecError(Exception):
    """Bad input: a spec, an option or an output folder that cannot be used (exit code 2)."""


class RunError(Exception):
    """Something that should have worked did not (exit code 1)."""
