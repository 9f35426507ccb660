"""exporter: one file of interview questions and answers → an Anki deck and a Word handout."""

__version__ = "0.1.0"
