"""The command line: thin typer commands over ``chunkline.run`` and friends."""
