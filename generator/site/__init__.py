"""The bilingual site: the templates' view of the data, the page list, links, pictures, feeds, PDF."""
