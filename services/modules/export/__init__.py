"""Stage 4's export: a course as a Markdown folder, a static HTML site and a zip of both."""
