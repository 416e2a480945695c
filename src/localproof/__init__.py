"""localproof: verify on this machine that a local AI setup keeps data private."""

__version__ = "0.1.0"
