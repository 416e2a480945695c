"""Helpers for opening HTML reports in a real headless Chromium."""
