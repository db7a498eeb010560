"""Private Cython kernels. Nothing here imports from groggy; callers validate inputs."""
