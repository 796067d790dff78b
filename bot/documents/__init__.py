"""Reading the documents teams have (PDF, Word, PowerPoint, HTML, Markdown) as Markdown with locations."""
