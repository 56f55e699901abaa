"""`python -m claimx` runs the command line, as the `claimx` script does."""
from .cli import main

if __name__ == "__main__":
    main()
