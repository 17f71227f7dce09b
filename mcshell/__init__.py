"""mcshell: an offline shell for MaxCompute MODEL statements, over a local SQLite catalog."""

__version__ = "0.1.0"
