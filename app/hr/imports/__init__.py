"""Imports from HR systems: employees and the organisation's unit tree."""
