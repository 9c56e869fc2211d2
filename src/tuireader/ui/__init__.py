"""The terminal user interface (Textual). Nothing outside this package imports textual."""
