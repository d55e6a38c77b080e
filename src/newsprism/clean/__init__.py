"""Clean: main-text extraction from HTML, newsprism's text pass (repeats, boilerplate, credits), normalisation."""
