"""Jiceng (基层): an open platform for China's primary healthcare system."""

__version__ = "0.1.0"
