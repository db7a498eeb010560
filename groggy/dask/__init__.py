"""groggy on a Dask cluster (``pip install 'groggy[dask]'``): nothing below the face
layer imports this package."""
