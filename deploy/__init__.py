"""A JupyterHub for a class on one machine: see deploy/README.md (`python -m deploy.hub`)."""
