"""The dashboard site: the model turned into page contexts, rendered through the theme's
templates and written as a folder of static files (``build.build_site``)."""
