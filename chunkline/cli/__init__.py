"""The command line: thin typer commands over ``chunkline.pipeline`` and friends."""
