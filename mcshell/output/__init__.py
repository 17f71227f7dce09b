"""Result -> text -> streams: results, render, data formats, excerpts, masking and the console."""
