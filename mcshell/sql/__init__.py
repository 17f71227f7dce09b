"""Text -> statements: the dialect, the splitter, the parser and the statements. The only importer of sqlglot."""
