"""The application on top of the core, the crawl side and the report side: cli, run, nodes, ingest, browse, demo."""
