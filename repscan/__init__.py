"""repscan: watch what the web says about a business and tell its owner first."""

__version__ = "0.1.0"
USER_AGENT = f"repscan/{__version__} (+https://github.com/repscan/repscan)"
