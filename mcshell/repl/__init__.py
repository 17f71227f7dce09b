"""The interactive shell. The only importer of prompt_toolkit."""
