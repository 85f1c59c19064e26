"""What every command module shares: the console that progress and messages go to."""

from rich.console import Console

console = Console(stderr=True)
