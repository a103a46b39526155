"""Compute Asset Protocol: the Python side shared by scripts, the console and the tests."""
